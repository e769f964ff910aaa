-- Unit tests of the Lua plugin's pure logic (editors/neovim/lua/srls/format.lua), run by
-- scripts/neovim-e2e as `nvim -l tests/e2e/neovim/unit.lua <repo root>`.
local root = arg[1] or '.'
vim.opt.runtimepath:prepend(root .. '/editors/neovim')
local fmt = require('srls.format')

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
    io.stdout:write('ok - ' .. name .. '\n')
  else
    failed = failed + 1
    io.stdout:write('not ok - ' .. name .. ': ' .. tostring(err) .. '\n')
  end
end
local function eq(a, b)
  if not vim.deep_equal(a, b) then
    error(('expected %s, got %s'):format(vim.inspect(b), vim.inspect(a)), 2)
  end
end

local BUTTONS = {
  { response = 'again', label = 'Again - 1 min', interval = '1 min' },
  { response = 'hard', label = 'Hard - 2 day(s)', interval = '2 day(s)' },
  { response = 'good', label = 'Good - 1.5 month(s)', interval = '1.5 month(s)' },
  { response = 'easy', label = 'Easy', interval = vim.NIL },
}
local ITEM = { id = '1', uri = 'file:///v/a.md', line = 2, deck = '#flashcards/geo', question = 'Paris',
  answer = 'France', back = vim.NIL, context = 'a > Capitals', buttons = BUTTONS }

test('intervals are written compactly', function()
  eq(fmt.short_interval('44 day(s)'), '44d')
  eq(fmt.short_interval('1.5 month(s)'), '1.5mo')
  eq(fmt.short_interval('2 year(s)'), '2y')
  eq(fmt.short_interval('3 hour(s)'), '3h')
  eq(fmt.short_interval('10 min'), '10 min')
end)

test('the footer lists the grade keys with labels and intervals', function()
  eq(fmt.buttons_footer(BUTTONS), '1 Again 1 min  2 Hard 2d  3 Good 1.5mo  4 Easy')
  eq(fmt.label_base({ response = 'good', label = 'Gut - 3 day(s)', interval = '3 day(s)' }), 'Gut')
  eq(fmt.footer({ item = ITEM, revealed = false }), ' space show answer · s skip · u undo · e edit · q quit ')
  assert(fmt.footer({ item = ITEM, revealed = true }):find('3 Good 1.5mo', 1, true))
  eq(fmt.footer({ item = vim.NIL }), ' u undo · q quit ')
  local revealed = { item = ITEM, revealed = true }
  eq(fmt.footer(revealed, 50), ' 1 Again 1 min  2 Hard 2d  3 Good 1.5mo  4 Easy ', 'narrow: the grades only')
  eq(fmt.footer(revealed, 200), ' 1 Again 1 min  2 Hard 2d  3 Good 1.5mo  4 Easy  · u undo · e edit · q quit ')
  eq(fmt.footer({ item = ITEM }, 40), ' space show answer · q quit ')
end)

test('counts and title', function()
  eq(fmt.counts({ due = 3, new = 2, reviewed = 1, waiting = 0 }, 'review'), '3 due · 2 new · 1 reviewed')
  eq(fmt.counts({ due = 3, new = 2, reviewed = 1, waiting = 2 }, 'cram'), '5 left · 1 reviewed · 2 waiting')
  eq(fmt.title({ item = ITEM, counts = { due = 1, new = 0, reviewed = 0 } }), ' #flashcards/geo · 1 due · 0 new · 0 reviewed ')
  eq(fmt.title({ item = nil, counts = {}, mode = 'cram' }), ' Cram · 0 left · 0 reviewed ')
end)

test('lines: context, the question, then the back after reveal', function()
  eq(fmt.lines({ item = ITEM, revealed = false }), { '*a > Capitals*', '', 'Paris' })
  eq(fmt.lines({ item = ITEM, revealed = true }), { '*a > Capitals*', '', 'Paris', '', '---', '', 'France' })
  local with_back = vim.tbl_extend('force', ITEM, { back = 'Front\n\n---\n\nBack', context = vim.NIL })
  eq(fmt.lines({ item = with_back, revealed = true }), { 'Front', '', '---', '', 'Back' })
  eq(fmt.lines({ item = vim.NIL, counts = { reviewed = 2 } }), { 'Done: 2 cards reviewed.' })
  eq(fmt.lines({ item = nil, counts = { reviewed = 0 } }), { 'Nothing to review.' })
  eq(fmt.lines({ item = nil, waiting = { label = 'next card in 4 min' } }), { 'Only cards in learning are left: next card in 4 min.' })
  eq(fmt.lines({ item = ITEM, notice = 'Not graded: changed' })[1], '> Not graded: changed')
end)

test('keys: reveal before grading, grades only once revealed', function()
  local q = { item = ITEM, revealed = false }
  local a = { item = ITEM, revealed = true }
  eq({ fmt.action('<Space>', q) }, { 'reveal' })
  eq({ fmt.action('<CR>', q) }, { 'reveal' })
  eq({ fmt.action('<Space>', a) }, {})
  eq({ fmt.action('3', q) }, {})
  eq({ fmt.action('1', a) }, { 'answer', 'again' })
  eq({ fmt.action('3', a) }, { 'answer', 'good' })
  eq({ fmt.action('4', a) }, { 'answer', 'easy' })
  eq({ fmt.action('u', q) }, { 'undo' })
  eq({ fmt.action('e', q) }, { 'edit' })
  eq({ fmt.action('s', a) }, { 'skip' })
  eq({ fmt.action('q', a) }, { 'quit' })
  eq({ fmt.action('<Esc>', { item = vim.NIL }) }, { 'quit' })
  eq({ fmt.action('e', { item = vim.NIL }) }, {})
  local no_hard = vim.tbl_extend('force', ITEM, { buttons = { BUTTONS[1], BUTTONS[3] } })
  eq({ fmt.action('2', { item = no_hard, revealed = true }) }, {}, 'a response the server does not offer')
end)

test(':SrlsDue lines: decks with cards, most due first', function()
  local lines = fmt.due_lines({ today = '2025-01-03', ready = true, total = { due = 5, new = 2 }, decks = {
    { deck = '#b', due = 1, new = 2 }, { deck = '#a/long', due = 4, new = 0 }, { deck = '#empty', due = 0, new = 0 } } })
  eq(lines, { 'srls — 2025-01-03: 5 due, 2 new', '  #a/long    4 due    0 new', '  #b         1 due    2 new' })
end)

io.stdout:write(('neovim-unit: %d passed, %d failed\n'):format(passed, failed))
os.exit(failed == 0 and 0 or 1)
