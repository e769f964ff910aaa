-- The review window: a float over the editor that shows the question (filetype markdown, so
-- Treesitter and conceal render it), `space` reveals, `1`-`4` grade with the intervals in the
-- footer, `s` skips, `u` undoes, `e` jumps to the card, `q` quits with a summary. One request is
-- in flight at a time: a key pressed while an answer is written does nothing.
local fmt = require('srls.format')
local M = {}

--- The running session, or nil: { id, mode, item, counts, waiting, revealed, busy, buf, win, answered = {uri…} }.
M.session = nil

local function srls()
  return require('srls')
end

local function note_buffer(uri)
  local ok, buf = pcall(vim.uri_to_bufnr, uri)
  if ok and vim.api.nvim_buf_is_loaded(buf) then
    return buf
  end
  return nil
end

local function win_config(s)
  local cfg = srls().config
  local width = math.min(math.max(40, math.floor(vim.o.columns * cfg.width)), vim.o.columns - 2)
  local height = math.max(8, math.floor(vim.o.lines * cfg.height))
  return {
    relative = 'editor',
    width = width,
    height = math.min(height, vim.o.lines - 4),
    row = math.floor((vim.o.lines - height) / 2) - 1,
    col = math.floor((vim.o.columns - width) / 2),
    border = cfg.border,
    title = fmt.title(s),
    title_pos = 'center',
    footer = fmt.footer(s, width),
    footer_pos = 'center',
  }
end

--- Redraws the window for the session's state.
function M.draw()
  local s = M.session
  if s == nil or s.buf == nil or not vim.api.nvim_buf_is_valid(s.buf) then
    return
  end
  vim.bo[s.buf].modifiable = true
  vim.api.nvim_buf_set_lines(s.buf, 0, -1, false, fmt.lines(s))
  vim.bo[s.buf].modifiable = false
  vim.bo[s.buf].modified = false
  if s.win and vim.api.nvim_win_is_valid(s.win) then
    vim.api.nvim_win_set_config(s.win, win_config(s))
    pcall(vim.api.nvim_win_set_cursor, s.win, { 1, 0 })
  end
end

local function apply(s, result, notice)
  s.counts = result.counts or s.counts
  s.item = result.item ~= vim.NIL and result.item or nil
  s.waiting = result.waiting ~= vim.NIL and result.waiting or nil
  s.revealed = false
  s.notice = notice
  if s.timer then
    s.timer:stop()
    s.timer = nil
  end
  if s.item == nil and s.waiting then
    -- Only learning cards wait: ask again when the next is due (at most a minute from now).
    local ms = 60000
    s.timer = vim.defer_fn(function()
      if M.session == s and not s.busy then
        M.request('srls.review.current', { session = s.id })
      end
    end, ms)
  end
  M.draw()
end

--- Sends one session request; the result is shown. `before`/`after` wrap writes (answer, undo).
function M.request(command, arg, on_done)
  local s = M.session
  if s == nil or s.busy then
    return false
  end
  s.busy = true
  srls().execute(command, arg, function(err, result)
    s.busy = false
    if M.session ~= s then
      return
    end
    if err then
      if on_done then
        on_done(err)
      else
        s.notice = (err.message or tostring(err))
        M.draw()
      end
      return
    end
    if on_done then
      on_done(nil, result)
    end
    apply(s, result, nil)
  end)
  return true
end

--- Before writing a note: remembers whether its buffer had unsaved changes; returns what to do after.
local function write_guard(uri)
  local buf = note_buffer(uri)
  local was_modified = buf ~= nil and vim.bo[buf].modified
  return function()
    if buf ~= nil and vim.api.nvim_buf_is_loaded(buf) then
      if not was_modified and vim.bo[buf].modified and srls().config.save then
        vim.api.nvim_buf_call(buf, function()
          vim.cmd('silent noautocmd write')
        end)
      end
    else
      -- A note that is not loaded was written on disk by the server.
      pcall(vim.cmd.checktime)
    end
  end
end

function M.answer(response)
  local s = M.session
  if s == nil or s.item == nil or not s.revealed then
    return
  end
  local item = s.item
  local after = write_guard(item.uri)
  M.request('srls.review.answer', { session = s.id, item = item.id, response = response }, function(err)
    if err then
      -- The note changed since the card was shown: show the card as it is now.
      s.busy = false
      local notice = 'Not graded: ' .. (err.message or tostring(err))
      srls().execute('srls.review.current', { session = s.id }, function(e2, r2)
        if e2 == nil and M.session == s then
          apply(s, r2, notice)
        else
          s.notice = notice
          M.draw()
        end
      end)
      return
    end
    s.answered[#s.answered + 1] = item.uri
    after()
  end)
end

function M.undo()
  local s = M.session
  if s == nil or #s.answered == 0 then
    return
  end
  local uri = s.answered[#s.answered]
  local after = write_guard(uri)
  M.request('srls.review.undo', { session = s.id }, function(err)
    if err then
      s.notice = err.message or tostring(err)
      M.draw()
      return
    end
    table.remove(s.answered)
    after()
  end)
end

function M.reveal()
  local s = M.session
  if s and s.item and not s.revealed and not s.busy then
    s.revealed = true
    s.notice = nil
    M.draw()
  end
end

function M.skip()
  local s = M.session
  if s and s.item then
    M.request('srls.review.skip', { session = s.id, item = s.item.id })
  end
end

--- `e`: the card in the window the review was started from (the float stays; :SrlsReview comes back).
function M.edit()
  local s = M.session
  if s == nil or s.item == nil then
    return
  end
  local target = s.origin_win
  if target == nil or not vim.api.nvim_win_is_valid(target) then
    target = vim.fn.win_getid(vim.fn.winnr('#'))
  end
  vim.api.nvim_set_current_win(target)
  vim.cmd.edit(vim.fn.fnameescape(vim.uri_to_fname(s.item.uri)))
  pcall(vim.api.nvim_win_set_cursor, 0, { s.item.line + 1, 0 })
  vim.cmd('normal! zz')
end

--- `q`: ends the session, closes the window, says how many cards were reviewed.
function M.quit()
  local s = M.session
  if s == nil then
    return
  end
  M.session = nil
  if s.timer then
    s.timer:stop()
  end
  if s.win and vim.api.nvim_win_is_valid(s.win) then
    vim.api.nvim_win_close(s.win, true)
  end
  srls().execute('srls.review.end', { session = s.id }, function(err, result)
    local n = (not err and result and result.reviewed) or (s.counts and s.counts.reviewed) or 0
    vim.notify(('srls: review ended, %d card%s reviewed.'):format(n, n == 1 and '' or 's'), vim.log.levels.INFO)
  end)
end

local function on_key(key)
  return function()
    local s = M.session
    if s == nil then
      return
    end
    local action, response = fmt.action(key, s)
    if action == 'quit' then
      return M.quit()
    end
    if s.busy or action == nil then
      return
    end
    if action == 'reveal' then
      M.reveal()
    elseif action == 'answer' then
      M.answer(response)
    elseif action == 'skip' then
      M.skip()
    elseif action == 'undo' then
      M.undo()
    elseif action == 'edit' then
      M.edit()
    end
  end
end

local KEYS = { '<Space>', '<CR>', '1', '2', '3', '4', 's', 'u', 'e', 'q', '<Esc>' }

local function open_window(s)
  s.buf = vim.api.nvim_create_buf(false, true)
  vim.bo[s.buf].bufhidden = 'wipe'
  vim.bo[s.buf].filetype = 'markdown'
  vim.api.nvim_buf_set_name(s.buf, 'srls://review/' .. s.id)
  for _, key in ipairs(KEYS) do
    vim.keymap.set('n', key, on_key(key), { buffer = s.buf, nowait = true, desc = 'srls review' })
  end
  s.win = vim.api.nvim_open_win(s.buf, true, win_config(s))
  vim.wo[s.win].wrap = true
  vim.wo[s.win].linebreak = true
  vim.wo[s.win].conceallevel = 2
  vim.wo[s.win].concealcursor = 'n'
  vim.wo[s.win].number = false
  vim.wo[s.win].relativenumber = false
  vim.wo[s.win].signcolumn = 'no'
  vim.wo[s.win].cursorline = false
  vim.wo[s.win].fillchars = 'eob: '
  vim.api.nvim_create_autocmd('WinClosed', {
    pattern = tostring(s.win),
    once = true,
    callback = function()
      -- Closed some other way (:q, <C-w>c): the session ends too.
      if M.session == s then
        vim.schedule(M.quit)
      end
    end,
  })
end

--- Starts a session: `{ deck?, uri?, mode?, seed? }`. With one running and no scope given, goes back to it.
function M.start(opts)
  local running = M.session
  if running and opts.deck == nil and opts.uri == nil and running.win and vim.api.nvim_win_is_valid(running.win) then
    vim.api.nvim_set_current_win(running.win)
    return
  end
  if running then
    M.quit()
  end
  local scope = 'workspace'
  if opts.deck then
    scope = { deck = opts.deck }
  elseif opts.uri then
    scope = { uri = opts.uri }
  end
  local origin = vim.api.nvim_get_current_win()
  srls().execute('srls.review.start', { scope = scope, mode = opts.mode or 'review', seed = opts.seed }, function(err, result)
    if err then
      vim.notify(err.message or tostring(err), vim.log.levels.ERROR, { title = 'srls' })
      return
    end
    local s = {
      id = result.session,
      mode = opts.mode or 'review',
      counts = result.counts,
      answered = {},
      origin_win = origin,
      busy = false,
    }
    M.session = s
    open_window(s)
    apply(s, result, nil)
  end)
end

return M
