-- End-to-end test of srls through Neovim's own LSP client. Run by scripts/neovim-e2e:
--
--   nvim --headless -u tests/e2e/neovim/init.lua
--
-- Environment: SRLS_E2E_SERVER (the srls binary), SRLS_E2E_VAULT (a copy of the fixture vault),
-- SRLS_E2E_ROOT (the repository), SRLS_E2E_TIMEOUT_MS (per wait; default 15000).
-- Prints "ok - ..." / "not ok - ..." per check, then "neovim-e2e: N passed, N failed", and exits
-- non-zero on any failure. A hard deadline ends Neovim even if a wait never returns.

local TODAY = '2025-01-03'
local NOTE = 'questions.md'
local GRADED = '<!--SR:!2025-02-16,44,290-->'

local env = vim.env
local root = env.SRLS_E2E_ROOT or vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h:h:h')
local server = env.SRLS_E2E_SERVER or (root .. '/target/debug/srls')
local vault = env.SRLS_E2E_VAULT or (root .. '/tests/e2e/neovim/vault')
local timeout = tonumber(env.SRLS_E2E_TIMEOUT_MS or '') or 15000

local passed, failed = 0, 0
local server_exit -- { code, signal } once the server process has ended

local function out(s)
  io.stdout:write(s .. '\n')
  io.stdout:flush()
end

local function finish()
  out(('neovim-e2e: %d passed, %d failed'):format(passed, failed))
  if failed > 0 then
    vim.cmd('cquit 1')
  else
    vim.cmd('qall!')
  end
end

-- Hard deadline: a libuv timer fires even while vim.wait() spins, and os.exit cannot be blocked.
local deadline_ms = timeout * 8
local deadline = vim.uv.new_timer()
deadline:start(deadline_ms, 0, function()
  io.stdout:write(('not ok - hard deadline of %d ms reached; giving up\n'):format(deadline_ms))
  io.stdout:write(('neovim-e2e: %d passed, %d failed\n'):format(passed, failed + 1))
  io.stdout:flush()
  os.exit(3)
end)

--- Prints the end of Neovim's LSP log (where the server's stderr also goes).
local function show_log()
  local path = vim.lsp.log.get_filename()
  local ok, lines = pcall(vim.fn.readfile, path)
  if not ok or #lines == 0 then
    out('  (the LSP log ' .. path .. ' is empty)')
    return
  end
  out('  --- last lines of ' .. path .. ' ---')
  for i = math.max(1, #lines - 25), #lines do
    out('  ' .. lines[i]:sub(1, 400))
  end
end

--- Stops the run: a check whose failure makes the later ones meaningless.
local Abort = {}

local function check(name, fn)
  local ok, err = xpcall(fn, function(e)
    if type(e) == 'table' and e.msg then
      return e
    end
    return { msg = tostring(e), trace = debug.traceback('', 2) }
  end)
  if ok then
    passed = passed + 1
    out('ok - ' .. name)
    return true
  end
  failed = failed + 1
  out('not ok - ' .. name .. ': ' .. tostring(err.msg))
  if env.SRLS_E2E_VERBOSE and err.trace then
    out(err.trace)
  end
  if err.abort then
    error(Abort)
  end
  return false
end

local function fail(msg, abort)
  error({ msg = msg, abort = abort }, 0)
end

local function wait_for(what, pred, abort)
  local ok = vim.wait(timeout, function()
    return pred() or server_exit ~= nil
  end, 20)
  if server_exit ~= nil and not pred() then
    fail(('the srls server exited (code %s, signal %s) while waiting for %s'):format(
      tostring(server_exit[1]), tostring(server_exit[2]), what), true)
  end
  if not ok then
    fail(('timed out after %d ms waiting for %s'):format(timeout, what), abort)
  end
end

local function find_line(buf, needle)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:find(needle, 1, true) then
      return i - 1
    end
  end
  fail('fixture line not found: ' .. needle, true)
end

--- Sends a request and waits for it; fails on an LSP error or a timeout.
local function request(client, method, params, buf)
  local resp, err = client:request_sync(method, params, timeout, buf)
  if resp == nil then
    fail(('%s: no response (%s)'):format(method, tostring(err)))
  end
  if resp.err then
    fail(('%s: error %s'):format(method, vim.inspect(resp.err)))
  end
  return resp.result
end

--- The text of a hover result, whatever form its contents take.
local function hover_text(result)
  local parts = {}
  local function add(c)
    if type(c) == 'string' then
      parts[#parts + 1] = c
    elseif type(c) == 'table' then
      if c.value then
        parts[#parts + 1] = c.value
      else
        for _, x in ipairs(c) do
          add(x)
        end
      end
    end
  end
  add(result and result.contents)
  return table.concat(parts, '\n')
end

local function hint_label(h)
  if type(h.label) == 'string' then
    return h.label
  end
  local s = {}
  for _, part in ipairs(h.label or {}) do
    s[#s + 1] = part.value
  end
  return table.concat(s)
end

--- vim.lsp.buf.rename on a deck tag: the open note and the closed python.md (loaded by Neovim
--- to apply the one workspace edit) get the new deck, sub-deck included.
local function rename_check(buf)
  check('vim.lsp.buf.rename renames the deck 🃏/job_questions in the open and the closed note', function()
    vim.api.nvim_set_current_buf(buf)
    vim.api.nvim_win_set_cursor(0, { 1, 6 })
    vim.lsp.buf.rename('🃏/interview')
    local python = vim.fn.bufadd(vault .. '/python.md')
    wait_for('the renamed tags', function()
      local first = vim.api.nvim_buf_get_lines(buf, 0, 1, false)[1]
      return first == '#🃏/interview' and vim.api.nvim_buf_is_loaded(python)
        and vim.api.nvim_buf_get_lines(python, 0, 1, false)[1] == '#🃏/interview/python'
    end)
    local rest = vim.api.nvim_buf_get_lines(python, 1, -1, false)
    assert(table.concat(rest, '\n') == '\nWhat does a context manager guard?::setup and teardown',
      'the rest of python.md changed: ' .. vim.inspect(rest))
  end)
end

local function run()
  local client, buf, before
  local lines = {}

  check('the srls server binary exists: ' .. server, function()
    if vim.fn.executable(server) ~= 1 then
      fail('not an executable file (build it with `cargo build`, or set SRLS_BIN)', true)
    end
  end)

  check('Neovim is 0.11 or newer (' .. tostring(vim.version()) .. ')', function()
    if vim.fn.has('nvim-0.11') ~= 1 then
      fail('vim.lsp.config / vim.lsp.enable need Neovim 0.11', true)
    end
  end)

  check('editors/neovim/lsp/srls.lua loads through vim.lsp.config', function()
    vim.opt.runtimepath:prepend(root .. '/editors/neovim')
    local cfg = vim.lsp.config.srls
    if cfg == nil then
      fail('vim.lsp.config.srls is nil: lsp/srls.lua was not found on runtimepath', true)
    end
    assert(vim.deep_equal(cfg.cmd, { 'srls' }), 'cmd is ' .. vim.inspect(cfg.cmd))
    assert(vim.deep_equal(cfg.filetypes, { 'markdown' }), 'filetypes is ' .. vim.inspect(cfg.filetypes))
    assert(vim.deep_equal(cfg.root_markers, { '.obsidian', '.git' }), 'root_markers is ' .. vim.inspect(cfg.root_markers))
    assert(type(cfg.settings) == 'table' and type(cfg.settings.srls) == 'table', 'settings.srls is missing')
    assert(vim.json.encode(cfg.settings) == '{"srls":{}}', 'settings encode as ' .. vim.json.encode(cfg.settings))
  end)

  vim.lsp.config('srls', {
    cmd = { server },
    settings = { srls = { today = TODAY } },
    on_exit = function(code, signal)
      server_exit = { code, signal }
    end,
  })
  vim.lsp.enable('srls')

  check('srls starts and attaches to ' .. NOTE, function()
    vim.cmd.cd(vim.fn.fnameescape(vault))
    vim.cmd.edit(vim.fn.fnameescape(vault .. '/' .. NOTE))
    buf = vim.api.nvim_get_current_buf()
    if vim.bo[buf].filetype ~= 'markdown' then
      fail('filetype is ' .. vim.inspect(vim.bo[buf].filetype) .. ', not markdown', true)
    end
    wait_for('srls to initialize and attach', function()
      client = vim.lsp.get_clients({ bufnr = buf, name = 'srls' })[1]
      return client ~= nil and client.initialized and vim.lsp.buf_is_attached(buf, client.id)
    end, true)
    local expected_root = vim.uv.fs_realpath(vault)
    local got_root = client.root_dir and vim.uv.fs_realpath(client.root_dir)
    assert(got_root == expected_root, ('root_dir is %s, expected the vault %s'):format(tostring(client.root_dir), expected_root))
    before = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    lines.question = find_line(buf, 'What is the syntax of managing context in python?')
    lines.comment = find_line(buf, '<!--SR:!2025-01-03,15,290-->')
    lines.broken = find_line(buf, '<!--SR:!2025-13-45,x,290-->')
    out(('# server %s, position encoding %s'):format(
      tostring((client.server_info or {}).name), tostring(client.offset_encoding)))
  end)

  check('diagnostics appear for the broken SR comment', function()
    local function on_broken()
      local hits = {}
      for _, d in ipairs(vim.diagnostic.get(buf)) do
        local last = d.end_lnum or d.lnum
        if d.lnum <= lines.broken and lines.broken <= last then
          hits[#hits + 1] = d
        end
      end
      return hits
    end
    wait_for('a diagnostic on line ' .. (lines.broken + 1), function()
      return #on_broken() > 0
    end)
    local d = on_broken()[1]
    out(('# diagnostic: [%s] %s'):format(tostring(d.source), d.message))
    assert(d.source == 'srls', 'diagnostic source is ' .. tostring(d.source) .. ', expected srls')
  end)

  check('hover on the first question shows its due date 2025-01-03', function()
    local result = request(client, 'textDocument/hover', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = lines.question, character = 0 },
    }, buf)
    local text = hover_text(result)
    out('# hover: ' .. text:gsub('\n', ' | '))
    assert(text:find('2025-01-03', 1, true), 'hover does not mention 2025-01-03: ' .. vim.inspect(text))
  end)

  -- Neovim asks for semantic tokens itself once the server offers them; they are drawn as
  -- extmarks of the @lsp.type.<type>.markdown groups when the window is redrawn.
  check('semantic tokens: the cloze is @lsp.type.string, the SR comment @lsp.type.comment', function()
    local cloze = find_line(buf, '==France==')
    local col = vim.api.nvim_buf_get_lines(buf, cloze, cloze + 1, false)[1]:find('==France==', 1, true) - 1
    local function types_at(row, c)
      local t = {}
      for _, tok in ipairs(vim.lsp.semantic_tokens.get_at_pos(buf, row, c) or {}) do
        t[#t + 1] = tok.type
      end
      return t
    end
    wait_for('semantic tokens at the cloze', function()
      return vim.tbl_contains(types_at(cloze, col + 3), 'string')
    end)
    local at_comment = types_at(lines.comment, 3)
    assert(vim.deep_equal(at_comment, { 'comment' }), 'tokens at the SR comment: ' .. vim.inspect(at_comment))
    local function groups_at(row, c)
      local g = {}
      for _, h in ipairs(vim.inspect_pos(buf, row, c).semantic_tokens) do
        g[#g + 1] = h.opts.hl_group
      end
      return g
    end
    wait_for('the semantic token highlights to be drawn', function()
      vim.cmd('redraw')
      return vim.tbl_contains(groups_at(cloze, col + 3), '@lsp.type.string.markdown')
    end)
    out(('# semantic tokens: cloze %s, comment %s'):format(
      table.concat(groups_at(cloze, col + 3), ' '), table.concat(groups_at(lines.comment, 3), ' ')))
    assert(vim.tbl_contains(groups_at(lines.comment, 3), '@lsp.type.comment.markdown'), 'no @lsp.type.comment.markdown at the SR comment')
  end)

  check('textDocument/inlayHint returns hints (first card: due today)', function()
    local result = request(client, 'textDocument/inlayHint', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = { start = { line = 0, character = 0 }, ['end'] = { line = #before, character = 0 } },
    }, buf) or {}
    local labels = {}
    for _, h in ipairs(result) do
      labels[#labels + 1] = ('%d:%s'):format(h.position.line + 1, hint_label(h))
    end
    out('# inlay hints: ' .. table.concat(labels, ', '))
    assert(#result > 0, 'no inlay hints')
    local due_today = false
    for _, h in ipairs(result) do
      local l = h.position.line
      if l >= lines.question and l <= lines.comment and hint_label(h):find('due today', 1, true) then
        due_today = true
      end
    end
    assert(due_today, 'no "due today" hint on the first card (lines ' .. (lines.question + 1) .. '-' .. (lines.comment + 1)
      .. '): is settings.srls.today reaching the server?')
  end)

  --- Gets the code actions at the first question, resolves `title` if needed and returns it.
  local function grade_action(title)
    local params = {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      range = { start = { line = lines.question, character = 0 }, ['end'] = { line = lines.question, character = 0 } },
      context = { diagnostics = {}, triggerKind = 1 },
    }
    local actions = request(client, 'textDocument/codeAction', params, buf) or {}
    local titles, action = {}, nil
    for _, a in ipairs(actions) do
      titles[#titles + 1] = a.title
      if vim.startswith(a.title, title .. ' ·') then
        action = a
      end
    end
    out('# code actions: ' .. table.concat(titles, ', '))
    if action == nil then
      fail('no code action titled ' .. title)
    end
    if action.edit == nil and client:supports_method('codeAction/resolve') then
      action = request(client, 'codeAction/resolve', action, buf)
    end
    if action.edit == nil then
      fail(title .. ' has no edit, even after codeAction/resolve: ' .. vim.inspect(action))
    end
    return action
  end

  local function assert_graded()
    local after = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    assert(#after == #before, ('the note had %d lines and now has %d'):format(#before, #after))
    for i = 1, #before do
      if i - 1 == lines.comment then
        assert(after[i] == GRADED, ('line %d is %q, expected %q'):format(i, after[i], GRADED))
      else
        assert(after[i] == before[i], ('line %d changed: %q -> %q'):format(i, before[i], after[i]))
      end
    end
  end

  check('code action "Grade: Good" rewrites the comment to ' .. GRADED .. ' and nothing else', function()
    local action = grade_action('Grade: Good')
    vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
    assert_graded()
  end)

  -- The keymap that editors/neovim/README.md suggests, after undoing the first grade: the server
  -- must have followed the undo (a versioned edit for the old text would be refused).
  check('the README keymap (vim.lsp.buf.code_action with apply=true) grades the same way', function()
    vim.cmd('silent undo')
    assert(vim.deep_equal(vim.api.nvim_buf_get_lines(buf, 0, -1, false), before), 'undo did not restore the note')
    vim.api.nvim_win_set_cursor(0, { lines.question + 1, 0 })
    vim.lsp.buf.code_action({
      filter = function(a)
        return vim.startswith(a.title, 'Grade: Good ·')
      end,
      apply = true,
    })
    wait_for('the grade to be applied', function()
      return vim.api.nvim_buf_get_lines(buf, lines.comment, lines.comment + 1, false)[1] == GRADED
    end)
    assert_graded()
  end)

  -- A conversion, applied the same way: the `?` line below the question becomes `??`, nothing else.
  check('code action "Convert to a reversed card" turns the separator line into ?? and nothing else', function()
    vim.cmd('silent undo')
    assert(vim.deep_equal(vim.api.nvim_buf_get_lines(buf, 0, -1, false), before), 'undo did not restore the note')
    vim.api.nvim_win_set_cursor(0, { lines.question + 1, 0 })
    vim.lsp.buf.code_action({
      filter = function(a)
        return a.title == 'Convert to a reversed card'
      end,
      apply = true,
    })
    local sep = lines.question + 1
    wait_for('the conversion to be applied', function()
      return vim.api.nvim_buf_get_lines(buf, sep, sep + 1, false)[1] == '??'
    end)
    local after = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    assert(#after == #before, ('the note had %d lines and now has %d'):format(#before, #after))
    for i = 1, #before do
      if i - 1 ~= sep then
        assert(after[i] == before[i], ('line %d changed: %q -> %q'):format(i, before[i], after[i]))
      end
    end
    vim.cmd('silent undo')
  end)

  -- The Lua plugin (editors/neovim/lua/srls): a review session driven by keys.
  local rv
  check("require('srls').setup{} defines :SrlsReview, :SrlsCram, :SrlsDue, :SrlsNext, :SrlsStats", function()
    require('srls').setup({})
    rv = require('srls.review')
    for _, c in ipairs({ 'SrlsReview', 'SrlsCram', 'SrlsDue', 'SrlsNext', 'SrlsReviewNote', 'SrlsStats' }) do
      assert(vim.fn.exists(':' .. c) == 2, c .. ' is not defined')
    end
  end)

  local review_note = vault .. '/review.md'
  local original = vim.fn.readfile(review_note)
  --- The SR comment below the card whose line starts with `front`, as on disk.
  local function on_disk(front)
    local file = vim.fn.readfile(review_note)
    for i, l in ipairs(file) do
      if vim.startswith(l, front) then
        for j = i + 1, #file do
          if vim.startswith(file[j], '<!--SR:') then
            return file[j]
          end
        end
      end
    end
    fail('no card ' .. front .. ' in ' .. review_note)
  end
  local function plus_days(n)
    local y, m, d = TODAY:match('(%d+)-(%d+)-(%d+)')
    return os.date('!%Y-%m-%d', os.time({ year = tonumber(y), month = tonumber(m), day = tonumber(d), hour = 12 }) + n * 86400)
  end
  --- A comment graded with the interval the footer showed (`3 Good 7d`).
  local function assert_scheduled(comment, days, what)
    local date, interval = comment:match('^<!%-%-SR:!(%d+%-%d+%-%d+),(%d+),%d+%-%->$')
    assert(date, what .. ': not a plugin comment: ' .. comment)
    assert(tonumber(interval) == days, ('%s: interval %s, the footer said %dd'):format(what, interval, days))
    assert(date == plus_days(days), ('%s: due %s, expected today + %d = %s'):format(what, date, days, plus_days(days)))
  end
  local function keys(k)
    vim.api.nvim_feedkeys(vim.keycode(k), 'mx', false)
  end
  local function idle(what, pred)
    local ok, err = pcall(wait_for, what, function()
      local s = rv.session
      return s ~= nil and not s.busy and pred(s)
    end)
    if not ok then
      local s = rv.session
      local state = s and vim.inspect({ notice = s.notice, busy = s.busy, revealed = s.revealed,
        question = s.item and s.item.question, counts = s.counts }) or 'no session'
      fail(((type(err) == 'table' and err.msg) or tostring(err)) .. '; the session: ' .. state)
    end
    return rv.session
  end
  local function text(chunks)
    if type(chunks) == 'string' then
      return chunks
    end
    local t = {}
    for _, c in ipairs(chunks or {}) do
      t[#t + 1] = type(c) == 'table' and c[1] or tostring(c)
    end
    return table.concat(t)
  end
  local function window_text()
    local s = rv.session
    local cfg = vim.api.nvim_win_get_config(s.win)
    return table.concat(vim.api.nvim_buf_get_lines(s.buf, 0, -1, false), '\n'), text(cfg.title), text(cfg.footer)
  end
  local function good_days()
    local _, _, footer = window_text()
    local d = footer:match('3 Good (%d+)d')
    assert(d, 'no "3 Good <n>d" in the footer: ' .. footer)
    return tonumber(d)
  end

  check(':SrlsReview 🃏/review opens a markdown float on the first card', function()
    vim.cmd('SrlsReview 🃏/review')
    local s = idle('the review window', function(x)
      return x.win ~= nil and vim.api.nvim_win_is_valid(x.win) and x.item ~= nil
    end)
    assert(vim.api.nvim_get_current_win() == s.win, 'the float has the focus')
    assert(vim.api.nvim_win_get_config(s.win).relative == 'editor', 'a floating window')
    assert(vim.bo[s.buf].filetype == 'markdown', 'filetype ' .. vim.bo[s.buf].filetype)
    local body, title, footer = window_text()
    out('# review window: ' .. title .. ' | ' .. body:gsub('\n', ' | ') .. ' | ' .. footer)
    assert(body:find('Capital of France', 1, true), 'the question: ' .. body)
    assert(not body:find('Paris', 1, true), 'the answer is hidden')
    assert(title:find('#🃏/review · 2 due · 0 new · 0 reviewed', 1, true), 'title: ' .. title)
    assert(footer:find('space show answer', 1, true), 'footer: ' .. footer)
    assert(#vim.lsp.get_clients({ bufnr = s.buf }) == 0, 'no language server attached to the review buffer')
  end)

  local france_days
  check('space reveals the answer; the footer has the grades with their intervals', function()
    keys('<Space>')
    local s = idle('the answer', function(x)
      return x.revealed
    end)
    local body, _, footer = window_text()
    assert(body:find('Paris', 1, true), 'the answer: ' .. body)
    assert(footer:find('1 Again', 1, true) and footer:find('2 Hard', 1, true) and footer:find('4 Easy', 1, true), 'footer: ' .. footer)
    france_days = good_days()
    assert(s.item ~= nil)
  end)

  check('e jumps to the card in the window the review started from; :SrlsReview goes back', function()
    local s = rv.session
    local line = s.item.line
    keys('e')
    assert(vim.api.nvim_get_current_win() ~= s.win, 'the focus left the float')
    assert(vim.api.nvim_buf_get_name(0):sub(-#'review.md') == 'review.md', 'the note: ' .. vim.api.nvim_buf_get_name(0))
    assert(vim.api.nvim_win_get_cursor(0)[1] == line + 1, ('the cursor on line %d, got %d'):format(line + 1, vim.api.nvim_win_get_cursor(0)[1]))
    assert(vim.api.nvim_win_is_valid(s.win), 'the float stays')
    vim.cmd('SrlsReview')
    assert(vim.api.nvim_get_current_win() == s.win, 'back in the float')
    assert(rv.session == s and s.revealed, 'the same session, the answer still shown')
  end)

  check('3 grades Good: the closed note is written on disk, the next card shown', function()
    keys('3')
    idle('the second card', function(x)
      return x.item ~= nil and x.item.question:find('Italy', 1, true) ~= nil
    end)
    assert_scheduled(on_disk('Capital of France'), france_days, 'France')
    assert(on_disk('Capital of Italy') == '<!--SR:!2025-01-02,3,250-->', 'Italy untouched')
    local _, title = window_text()
    assert(title:find('1 due · 0 new · 1 reviewed', 1, true), 'title: ' .. title)
  end)

  check('u undoes it: the note on disk is restored, the card asked again', function()
    keys('u')
    idle('France again', function(x)
      return x.item ~= nil and x.item.question:find('France', 1, true) ~= nil
    end)
    assert(vim.deep_equal(vim.fn.readfile(review_note), original), 'review.md restored')
    keys('<CR>')
    idle('the answer', function(x)
      return x.revealed
    end)
    keys('3')
    idle('Italy', function(x)
      return x.item ~= nil and x.item.question:find('Italy', 1, true) ~= nil
    end)
    assert_scheduled(on_disk('Capital of France'), france_days, 'France again')
  end)

  check('the second card: reveal, grade, the session is done', function()
    keys('<Space>')
    idle('the answer', function(x)
      return x.revealed
    end)
    local italy_days = good_days()
    keys('3')
    idle('the end', function(x)
      return x.item == nil
    end)
    assert_scheduled(on_disk('Capital of Italy'), italy_days, 'Italy')
    local body, title, footer = window_text()
    assert(body == 'Done: 2 cards reviewed.', 'body: ' .. body)
    assert(title:find('0 due · 0 new · 2 reviewed', 1, true), 'title: ' .. title)
    assert(footer:find('q quit', 1, true), 'footer: ' .. footer)
  end)

  check('q quits with a summary and closes the window', function()
    local notes = {}
    local notify = vim.notify
    vim.notify = function(msg)
      notes[#notes + 1] = msg
    end
    local win = rv.session.win
    keys('q')
    wait_for('the summary', function()
      return #notes > 0
    end)
    vim.notify = notify
    assert(rv.session == nil, 'the session ended')
    assert(not vim.api.nvim_win_is_valid(win), 'the window closed')
    assert(notes[1] == 'srls: review ended, 2 cards reviewed.', 'summary: ' .. tostring(notes[1]))
  end)

  check(':SrlsDue shows the counts per deck in a float', function()
    local before_win = vim.api.nvim_get_current_win()
    vim.cmd('SrlsDue')
    wait_for('the due float', function()
      return vim.api.nvim_get_current_win() ~= before_win
    end)
    local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    out('# :SrlsDue: ' .. table.concat(lines, ' | '))
    assert(lines[1]:find('^srls — 2025%-01%-03: %d+ due'), 'first line: ' .. lines[1])
    assert(not table.concat(lines, '\n'):find('🃏/review', 1, true), 'the reviewed deck has nothing due')
    keys('q')
    assert(vim.api.nvim_get_current_win() == before_win, 'q closes it')
  end)

  check(':SrlsStats shows the statistics in a float, p the next period', function()
    local before_win = vim.api.nvim_get_current_win()
    vim.cmd('SrlsStats')
    wait_for('the statistics float', function()
      return vim.api.nvim_get_current_win() ~= before_win
    end)
    local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    out('# :SrlsStats: ' .. (vim.split(text, '\n')[2] or ''))
    for _, want in ipairs({ '2025-01-03, period month', 'Forecast', 'Average: ', 'Average interval: ', 'Card types' }) do
      assert(text:find(want, 1, true), ('no %q in the float:\n%s'):format(want, text))
    end
    local first = vim.api.nvim_get_current_win()
    keys('p')
    wait_for('the next period', function()
      local w = vim.api.nvim_get_current_win()
      return w ~= first and w ~= before_win and vim.api.nvim_buf_get_lines(0, 1, 2, false)[1]:find('period quarter', 1, true) ~= nil
    end)
    keys('q')
    assert(vim.api.nvim_get_current_win() == before_win, 'q closes it')
  end)

  check(':checkhealth srls reports the binary, its version, the client and the vault root', function()
    vim.cmd('checkhealth srls')
    local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    vim.cmd('tabclose')
    for _, want in ipairs({ 'binary: ' .. vim.fn.exepath(server), 'version: srls ', 'client ', 'vault root', ':SrlsReview' }) do
      assert(report:find(want, 1, true), ('no %q in the report:\n%s'):format(want, report))
    end
    assert(not report:find('ERROR', 1, true), 'errors in the report:\n' .. report)
  end)

  rename_check(buf)
end

local function main()
  local ok, err = pcall(run)
  if not ok and err ~= Abort then
    failed = failed + 1
    out('not ok - test harness error: ' .. tostring(err))
  end
  if failed > 0 then
    show_log()
  end
  deadline:stop()
  finish()
end

pcall(vim.lsp.log.set_level, vim.log.levels.INFO)
vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    vim.schedule(main)
  end,
})
