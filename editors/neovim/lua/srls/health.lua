-- :checkhealth srls — the binary, its version, the attached clients and the vault root.
local M = {}

local function vault_root(path)
  local found = vim.fs.find('.obsidian', { upward = true, path = path, type = 'directory' })[1]
  return found and vim.fs.dirname(found) or nil
end

function M.check()
  local health = vim.health
  health.start('srls: the server binary')
  local cfg = vim.lsp.config and vim.lsp.config.srls
  if cfg == nil then
    health.error('vim.lsp.config.srls is not defined', {
      'Put editors/neovim on runtimepath (it holds lsp/srls.lua), or copy lsp/srls.lua to ~/.config/nvim/lsp/',
    })
  end
  local cmd = cfg and type(cfg.cmd) == 'table' and cfg.cmd[1] or 'srls'
  local exe = vim.fn.exepath(cmd)
  if exe == '' then
    health.error(('`%s` is not executable or not on PATH'):format(cmd), {
      'cargo install --path . in the srls repository, or vim.lsp.config("srls", { cmd = { "/path/to/srls" } })',
    })
  else
    health.ok('binary: ' .. exe)
    local r = vim.system({ exe, '--version' }, { text = true }):wait(5000)
    if r.code == 0 then
      health.ok('version: ' .. vim.trim(r.stdout or ''))
    else
      health.warn(('`%s --version` failed (exit %s): %s'):format(exe, tostring(r.code), vim.trim(r.stderr or '')))
    end
  end
  if vim.fn.has('nvim-0.11') ~= 1 then
    health.error('Neovim 0.11 or newer is needed (vim.lsp.config, vim.lsp.enable)')
  else
    health.ok('Neovim ' .. tostring(vim.version()))
  end

  health.start('srls: clients')
  local clients = vim.lsp.get_clients({ name = 'srls' })
  if #clients == 0 then
    health.warn('no srls client is running', { 'Open a markdown note of the vault after vim.lsp.enable("srls")' })
  end
  for _, c in ipairs(clients) do
    local bufs = {}
    for b in pairs(c.attached_buffers or {}) do
      bufs[#bufs + 1] = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(b), ':~:.')
    end
    health.ok(('client %d (%s), root %s, attached to %d buffer(s)%s'):format(
      c.id, (c.server_info and c.server_info.name) or 'srls', tostring(c.root_dir), #bufs,
      #bufs > 0 and (': ' .. table.concat(bufs, ', ')) or ''))
    local root = c.root_dir and vault_root(c.root_dir .. '/x') or nil
    if root then
      health.ok('vault root (the folder with .obsidian/): ' .. root)
      local data = root .. '/.obsidian/plugins/obsidian-spaced-repetition/data.json'
      if vim.uv.fs_stat(data) then
        health.ok('plugin settings: ' .. data)
      else
        health.info('no ' .. data .. ': the plugin\'s defaults apply')
      end
    else
      health.warn('no .obsidian/ folder at or above ' .. tostring(c.root_dir) .. ': not an Obsidian vault; the plugin\'s defaults apply')
    end
  end

  health.start('srls: plugin')
  if vim.fn.exists(':SrlsReview') == 2 then
    health.ok(':SrlsReview, :SrlsCram, :SrlsDue, :SrlsNext, :SrlsStats are defined')
  else
    health.warn('the commands are not defined', { "Call require('srls').setup({})" })
  end
end

return M
