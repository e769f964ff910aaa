-- Pure helpers of the review window: what its lines, title and footer say, and which key does
-- what. No editor state: unit-tested by tests/e2e/neovim/unit.lua.
local M = {}

--- The plugin's grade keys.
M.GRADE_KEYS = { ['1'] = 'again', ['2'] = 'hard', ['3'] = 'good', ['4'] = 'easy' }

--- `44 day(s)` -> `44d`, `1.5 month(s)` -> `1.5mo`, `2 year(s)` -> `2y`, `3 hour(s)` -> `3h`.
function M.short_interval(s)
  if type(s) ~= 'string' then
    return nil
  end
  local n, unit = s:match('^%s*([%d.]+)%s*(%a+)%(s%)%s*$')
  local units = { day = 'd', month = 'mo', year = 'y', hour = 'h' }
  if n and units[unit] then
    return n .. units[unit]
  end
  return vim.trim(s)
end

--- The response's name without the ` - <interval>` the plugin appends to its button text.
function M.label_base(button)
  local label, interval = button.label or button.response, button.interval
  if type(interval) == 'string' and interval ~= '' then
    local suffix = ' - ' .. interval
    if label:sub(-#suffix) == suffix then
      return label:sub(1, #label - #suffix)
    end
  end
  return label
end

--- `1 Again 1m  2 Hard 2d  3 Good 7d  4 Easy 11d` (the keys that grade, labels, intervals).
function M.buttons_footer(buttons)
  local keys = {}
  for k, r in pairs(M.GRADE_KEYS) do
    keys[r] = k
  end
  local parts = {}
  for _, b in ipairs(buttons or {}) do
    local key = keys[b.response]
    if key then
      local text = key .. ' ' .. M.label_base(b)
      local iv = b.interval ~= vim.NIL and M.short_interval(b.interval) or nil
      if iv and iv ~= '' then
        text = text .. ' ' .. iv
      end
      parts[#parts + 1] = text
    end
  end
  return table.concat(parts, '  ')
end

--- `3 due · 2 new · 1 reviewed` (cram: `5 left · 1 reviewed`).
function M.counts(c, mode)
  c = c or {}
  local parts
  if mode == 'cram' then
    parts = { ('%d left'):format((c.due or 0) + (c.new or 0)) }
  else
    parts = { ('%d due'):format(c.due or 0), ('%d new'):format(c.new or 0) }
  end
  parts[#parts + 1] = ('%d reviewed'):format(c.reviewed or 0)
  if (c.waiting or 0) > 0 then
    parts[#parts + 1] = ('%d waiting'):format(c.waiting)
  end
  return table.concat(parts, ' · ')
end

local function text_lines(s)
  if type(s) ~= 'string' then
    return {}
  end
  return vim.split(s, '\n', { plain = true })
end

--- The markdown shown after the answer is revealed: the server's `back`, else question, rule, answer.
function M.back(item)
  if type(item.back) == 'string' and vim.trim(item.back) ~= '' then
    return item.back
  end
  return (item.question or '') .. '\n\n---\n\n' .. (item.answer or '')
end

--- The window's lines for a state: `{ item?, counts, revealed, waiting?, mode, notice? }`.
function M.lines(state)
  local out = {}
  if state.notice then
    out[#out + 1] = '> ' .. state.notice
    out[#out + 1] = ''
  end
  local item = state.item
  if item == nil or item == vim.NIL then
    if state.waiting and state.waiting ~= vim.NIL then
      out[#out + 1] = 'Only cards in learning are left: ' .. (state.waiting.label or 'the next one is not due yet') .. '.'
    else
      local n = (state.counts or {}).reviewed or 0
      out[#out + 1] = n > 0 and ('Done: %d card%s reviewed.'):format(n, n == 1 and '' or 's') or 'Nothing to review.'
    end
    return out
  end
  if type(item.context) == 'string' and vim.trim(item.context) ~= '' then
    out[#out + 1] = '*' .. vim.trim(item.context) .. '*'
    out[#out + 1] = ''
  end
  vim.list_extend(out, text_lines(state.revealed and M.back(item) or item.question))
  return out
end

--- The window's title: ` #flashcards/geo · 3 due · 0 new · 0 reviewed `.
function M.title(state)
  local deck = state.item and state.item ~= vim.NIL and state.item.deck or ''
  if deck == '' then
    deck = state.mode == 'cram' and 'Cram' or 'Review'
  end
  return (' %s · %s '):format(deck, M.counts(state.counts, state.mode))
end

--- The window's footer: the keys that work now, cut to the grades when `width` is too narrow.
function M.footer(state, width)
  local item = state.item
  if item == nil or item == vim.NIL then
    return ' u undo · q quit '
  end
  local full, short
  if state.revealed then
    short = ' ' .. M.buttons_footer(item.buttons) .. ' '
    full = short .. ' · u undo · e edit · q quit '
  else
    full = ' space show answer · s skip · u undo · e edit · q quit '
    short = ' space show answer · q quit '
  end
  if width ~= nil and vim.fn.strdisplaywidth(full) > width - 2 then
    return short
  end
  return full
end

--- What a key does in a state: `reveal`, `answer` (with the response), `skip`, `undo`, `edit`,
--- `quit`, or nil.
function M.action(key, state)
  local has_item = state.item ~= nil and state.item ~= vim.NIL
  if key == 'q' or key == '<Esc>' then
    return 'quit'
  elseif key == 'u' then
    return 'undo'
  elseif not has_item then
    return nil
  elseif key == '<Space>' or key == '<CR>' then
    return not state.revealed and 'reveal' or nil
  elseif key == 'e' then
    return 'edit'
  elseif key == 's' then
    return 'skip'
  elseif M.GRADE_KEYS[key] and state.revealed then
    for _, b in ipairs(state.item.buttons or {}) do
      if b.response == M.GRADE_KEYS[key] then
        return 'answer', b.response
      end
    end
  end
  return nil
end

--- The lines of :SrlsDue for a srls.dueSummary result.
function M.due_lines(summary)
  local out = { ('srls — %s: %d due, %d new%s'):format(summary.today or '?', summary.total and summary.total.due or 0,
    summary.total and summary.total.new or 0, summary.ready == false and ' (indexing…)' or '') }
  local decks = vim.deepcopy(summary.decks or {})
  table.sort(decks, function(a, b)
    if a.due ~= b.due then
      return a.due > b.due
    end
    if a.new ~= b.new then
      return a.new > b.new
    end
    return a.deck < b.deck
  end)
  local width = 0
  for _, d in ipairs(decks) do
    width = math.max(width, vim.fn.strdisplaywidth(d.deck))
  end
  for _, d in ipairs(decks) do
    if d.due > 0 or d.new > 0 then
      out[#out + 1] = ('  %s%s  %3d due  %3d new'):format(d.deck, (' '):rep(width - vim.fn.strdisplaywidth(d.deck)), d.due, d.new)
    end
  end
  return out
end

return M
