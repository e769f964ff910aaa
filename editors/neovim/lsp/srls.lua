-- srls: language server for Obsidian Spaced Repetition flashcards in markdown notes.
--
-- Neovim 0.11+: put the folder holding this `lsp/` directory on 'runtimepath' (or copy this file
-- to ~/.config/nvim/lsp/srls.lua), then
--
--   vim.lsp.enable('srls')
--
-- and override anything with vim.lsp.config('srls', { ... }), e.g.
--
--   vim.lsp.config('srls', { settings = { srls = { today = '2025-01-03' } } })
--
-- Settings (all optional): today ("YYYY-MM-DD"), now (ISO instant),
-- inlayHints = { enabled, style = "full"|"compact" },
-- diagnostics = { enabled, severity = { ["<code>"] = "error"|"warning"|"information"|"hint"|"off" } },
-- plugin = { <data.json keys>, e.g. flashcardTags = { "#cards" } }, index = { enabled, maxFileSize }.

---@type vim.lsp.Config
return {
  cmd = { 'srls' },
  filetypes = { 'markdown' },
  -- An Obsidian vault has .obsidian/ at its root; the plugin's data.json is read from there.
  root_markers = { '.obsidian', '.git' },
  -- vim.empty_dict(): a plain {} would be sent as the JSON array [] rather than an object.
  settings = { srls = vim.empty_dict() },
  -- The server reads the same object from initializationOptions, so the settings apply from the
  -- first response on, before it asks for workspace/configuration.
  before_init = function(params, config)
    if params.initializationOptions == nil then
      local srls = (config.settings or {}).srls
      if type(srls) ~= 'table' or next(srls) == nil then
        srls = vim.empty_dict()
      end
      params.initializationOptions = srls
    end
  end,
}
