-- srls for Neovim: review sessions, due counts and the next due card on the srls language
-- server's commands (`workspace/executeCommand`). The server itself is configured by
-- lsp/srls.lua next to this folder (vim.lsp.config/vim.lsp.enable, Neovim 0.11+).
--
--   require('srls').setup({})   -- commands :SrlsReview [deck], :SrlsCram [deck], :SrlsDue,
--                                  :SrlsNext [deck], :SrlsStats [period] [deck]
--
-- Options (all optional):
--   save = true        after an answer changes a note loaded in a buffer that had no unsaved
--                      changes, write that buffer (as the plugin writes the file)
--   width, height      of the review window (fractions of the editor, default 0.6 and 0.5)
--   border = 'rounded'
local M = {}

M.config = { save = true, width = 0.6, height = 0.5, border = 'rounded' }

--- The srls client: attached to the current buffer if it is, else any running one.
function M.client()
  local clients = vim.lsp.get_clients({ bufnr = 0, name = 'srls' })
  if #clients == 0 then
    clients = vim.lsp.get_clients({ name = 'srls' })
  end
  return clients[1]
end

--- Runs a server command with one argument; `cb(err, result)` is called on the main loop.
function M.execute(command, arg, cb)
  local client = M.client()
  if client == nil then
    cb({ message = 'srls: no srls language server is running (open a note of the vault, with vim.lsp.enable("srls"))' })
    return
  end
  local params = { command = command, arguments = arg ~= nil and { arg } or {} }
  -- No buffer: the client then sends every buffer's pending didChange first (Neovim delays them
  -- by debounce_text_changes), so the server never answers from a note's older text (an undo
  -- right after an answer that edited an open note would be refused as "changed in the editor").
  client:request('workspace/executeCommand', params, function(err, result)
    vim.schedule(function()
      cb(err, result)
    end)
  end)
end

local function notify_error(err)
  local msg = type(err) == 'table' and err.message or tostring(err)
  vim.notify(msg, vim.log.levels.ERROR, { title = 'srls' })
end

local function deck_arg(s)
  if s == nil or vim.trim(s) == '' then
    return nil
  end
  s = vim.trim(s)
  return s:sub(1, 1) == '#' and s or ('#' .. s)
end

--- Starts a review (`mode` 'review' or 'cram') of a deck, a note (`{ uri = … }`) or the vault.
function M.review(opts)
  opts = opts or {}
  require('srls.review').start(opts)
end

--- A read-only float of `lines` in the middle of the editor; `q`/`<Esc>` close it.
local function show_float(lines, title, footer)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].bufhidden = 'wipe'
  local width = 0
  for _, l in ipairs(lines) do
    width = math.max(width, vim.fn.strdisplaywidth(l))
  end
  width = math.min(width + 2, vim.o.columns - 4)
  local height = math.min(#lines, vim.o.lines - 4)
  local win = vim.api.nvim_open_win(buf, true, {
    relative = 'editor',
    width = width,
    height = height,
    row = math.max(0, math.floor((vim.o.lines - height) / 2) - 1),
    col = math.max(0, math.floor((vim.o.columns - width) / 2)),
    style = 'minimal',
    border = M.config.border,
    title = title,
    footer = footer,
    footer_pos = 'center',
  })
  for _, key in ipairs({ 'q', '<Esc>' }) do
    vim.keymap.set('n', key, function()
      pcall(vim.api.nvim_win_close, win, true)
    end, { buffer = buf, nowait = true })
  end
  return buf, win
end

--- :SrlsDue: counts per deck in a float.
function M.due()
  M.execute('srls.dueSummary', nil, function(err, summary)
    if err then
      return notify_error(err)
    end
    show_float(require('srls.format').due_lines(summary), ' srls: due cards ', ' q close ')
  end)
end

local PERIODS = { 'month', 'quarter', 'year', 'lifetime' }

--- Reads `:SrlsStats` arguments: a period name and/or a deck, in any order.
function M.stats_args(s)
  local out = {}
  for _, word in ipairs(vim.split(vim.trim(s or ''), '%s+', { trimempty = true })) do
    if vim.tbl_contains(PERIODS, word) then
      out.period = word
    else
      out.deck = deck_arg(word)
    end
  end
  return out
end

--- :SrlsStats [period] [deck]: the statistics (the text `srls stats` prints) in a float; `p`
--- shows the next period.
function M.stats(opts)
  opts = opts or {}
  local arg = { format = 'text', period = opts.period, deck = opts.deck }
  M.execute('srls.stats', arg, function(err, result)
    if err then
      return notify_error(err)
    end
    local lines = vim.split(result.text or '', '\n', { plain = true })
    if lines[#lines] == '' then
      lines[#lines] = nil
    end
    local title = (' srls: statistics, %s%s '):format(result.period or 'month', opts.deck and (', ' .. opts.deck) or '')
    local buf, win = show_float(lines, title, ' p next period · q close ')
    vim.keymap.set('n', 'p', function()
      local i = 1
      for k, p in ipairs(PERIODS) do
        if p == (result.period or 'month') then
          i = k
        end
      end
      pcall(vim.api.nvim_win_close, win, true)
      M.stats({ period = PERIODS[i % #PERIODS + 1], deck = opts.deck })
    end, { buffer = buf, nowait = true })
  end)
end

--- :SrlsNext [deck]: the most overdue card (the server opens it with window/showDocument).
function M.next(deck)
  local d = deck_arg(deck)
  M.execute('srls.nextDue', d and { deck = d } or nil, function(err, result)
    if err then
      return notify_error(err)
    end
    if result == nil or result == vim.NIL then
      vim.notify(d and ('srls: nothing due in ' .. d .. '.') or 'srls: nothing due today.', vim.log.levels.INFO)
    end
  end)
end

local function deck_complete(lead)
  local out = {}
  local client = M.client()
  if client == nil then
    return out
  end
  local resp = client:request_sync('workspace/executeCommand', { command = 'srls.dueSummary', arguments = {} }, 1000, 0)
  for _, d in ipairs(resp and resp.result and resp.result.decks or {}) do
    if vim.startswith(d.deck, lead) or vim.startswith(d.deck, '#' .. lead) then
      out[#out + 1] = d.deck
    end
  end
  return out
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', M.config, opts or {})
  local cmd = vim.api.nvim_create_user_command
  cmd('SrlsReview', function(a)
    M.review({ deck = deck_arg(a.args), mode = 'review' })
  end, { nargs = '?', complete = deck_complete, desc = 'srls: review due cards (of a deck)' })
  cmd('SrlsCram', function(a)
    M.review({ deck = deck_arg(a.args), mode = 'cram' })
  end, { nargs = '?', complete = deck_complete, desc = 'srls: go through every card (of a deck)' })
  cmd('SrlsReviewNote', function()
    M.review({ uri = vim.uri_from_bufnr(0), mode = 'review' })
  end, { desc = "srls: review the current note's cards" })
  cmd('SrlsDue', M.due, { desc = 'srls: due and new cards per deck' })
  cmd('SrlsStats', function(a)
    M.stats(M.stats_args(a.args))
  end, {
    nargs = '*',
    complete = function(lead)
      local out = vim.tbl_filter(function(p)
        return vim.startswith(p, lead)
      end, PERIODS)
      return vim.list_extend(out, deck_complete(lead))
    end,
    desc = 'srls: statistics of the vault (a period: month, quarter, year, lifetime; a deck)',
  })
  cmd('SrlsNext', function(a)
    M.next(a.args)
  end, { nargs = '?', complete = deck_complete, desc = 'srls: open the next due card' })
end

return M
