" kimi-lsp for Vim 9 through ALE (Debian: apt install vim-ale, then `packadd! ale`).
" Registers kimi-lsp as an ALE language server for g:kimi_filetypes and adds :KimiExplain,
" :KimiExplainShow, :KimiCancel and :KimiUsage. Code actions are ALE's :ALECodeAction;
" completion is ALE's omnifunc (<C-x><C-o>). See editors/vim/README.md.
if exists('g:loaded_kimi') || v:version < 900
  finish
endif
let g:loaded_kimi = 1

" The server command, the filetypes it serves, and its settings (sent as
" initializationOptions {"kimi": ...}: camelCase keys, as in docs/protocol.md).
let g:kimi_executable = get(g:, 'kimi_executable', 'kimi-lsp')
let g:kimi_filetypes = get(g:, 'kimi_filetypes', [
\   'python', 'javascript', 'typescript', 'javascriptreact', 'typescriptreact', 'go',
\   'rust', 'c', 'cpp', 'java', 'kotlin', 'lua', 'ruby', 'php', 'sh', 'vim', 'cs',
\   'swift', 'scala', 'haskell', 'elixir', 'sql', 'html', 'css', 'markdown',
\])
let g:kimi_settings = get(g:, 'kimi_settings', {})
" Set 'omnifunc' to ALE's in those filetypes unless the buffer has one of its own (1), always
" (2) or never (0).
let g:kimi_set_omnifunc = get(g:, 'kimi_set_omnifunc', 1)

command! -range KimiExplain call kimi#explain(<line1>, <line2>)
command! KimiExplainShow call kimi#show_explanation()
command! KimiCancel call kimi#cancel()
command! KimiUsage call kimi#usage()

augroup kimi
  autocmd!
  autocmd User ALELSPStarted call kimi#listen()
  autocmd FileType * call kimi#set_omnifunc()
augroup END

if !empty(globpath(&runtimepath, 'autoload/ale/linter.vim'))
  call kimi#define_linters()
else
  augroup kimi_define
    autocmd!
    autocmd VimEnter * ++once call kimi#define_linters()
  augroup END
endif
