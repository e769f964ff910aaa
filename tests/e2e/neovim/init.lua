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
