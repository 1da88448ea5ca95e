" kimi-lsp for Vim 9 through ALE (Debian: apt install vim-ale, then `packadd! ale`).
" Registers kimi-lsp as an ALE language server for g:kimi_filetypes and adds :KimiExplain,
" :KimiExplainShow, :KimiRefactor, :KimiFix, :KimiAccept, :KimiReject, :KimiCancel and
" :KimiUsage. Code actions are ALE's :ALECodeAction; Kimi's completion is the plugin's
" omnifunc (<C-x><C-o>), which ALE's own completion leaves alone. See
" editors/vim/README.md.
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
" Set 'omnifunc' to Kimi's in those filetypes unless the buffer has one of its own (1), always
" (2) or never (0).
let g:kimi_set_omnifunc = get(g:, 'kimi_set_omnifunc', 1)
" Let ALE's own completion (automatic, :ALEComplete, its omnifunc) ask kimi-lsp too (1); by
" default it does not (0), since ALE does not say it was not asked explicitly and each of
" its requests would be a model call.
let g:kimi_ale_completion = get(g:, 'kimi_ale_completion', 0)
" Show a proposal's lines as virtual text above the original (1), or only in the preview
" window (0).
let g:kimi_proposal_inline = get(g:, 'kimi_proposal_inline', 1)

command! -range KimiExplain call kimi#explain(<line1>, <line2>)
command! KimiExplainShow call kimi#show_explanation()
command! -range -nargs=* KimiRefactor call kimi#review#refactor(<line1>, <line2>, <q-args>)
command! -range KimiFix call kimi#review#fix(<line1>, <line2>)
command! KimiAccept call kimi#review#accept()
command! KimiReject call kimi#review#reject()
command! KimiCancel call kimi#cancel()
command! KimiUsage call kimi#usage()

augroup kimi
  autocmd!
  autocmd User ALELSPStarted call kimi#listen()
  autocmd FileType * call kimi#set_omnifunc()
  autocmd CompleteDone * call kimi#complete#done()
augroup END

if !empty(globpath(&runtimepath, 'autoload/ale/linter.vim'))
  call kimi#define_linters()
else
  augroup kimi_define
    autocmd!
    autocmd VimEnter * ++once call kimi#define_linters()
  augroup END
endif
