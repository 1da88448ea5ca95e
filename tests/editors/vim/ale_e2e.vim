" Vim 9 + ALE + editors/vim against the real server: :KimiUsage, :KimiExplain into the
" preview window, the "Kimi: Explain" code action through ALE's :ALECodeAction, completion
" through the plugin's omnifunc, :KimiCancel with nothing running.
source <sfile>:h/harness.vim

" ALE asks which code action to run with input(): answer as a user would, by the number of
" "Kimi: Explain" in the menu it shows (and keep the menu).
runtime autoload/ale/util.vim
function! ale#util#Input(message, value, ...) abort
  let g:obs.menu = split(a:message, "\n")
  for l:line in g:obs.menu
    let l:found = matchlist(l:line, '^\(\d\+\)) Kimi: Explain$')
    if !empty(l:found)
      return l:found[1]
    endif
  endfor
  return ''
endfunction

function! s:said(pattern) abort
  return execute('messages') =~# a:pattern
endfunction

try
  let g:obs.filetype = &filetype
  let g:obs.omnifunc = &omnifunc
  let g:obs.ale_linters = get(g:ale_linters, 'python', [])

  KimiUsage
  call T_wait(30, {-> s:said('Kimi: 0 requests')}, 'the answer of :KimiUsage')

  let s:source = win_getid()
  1,3KimiExplain
  call T_wait(30, {-> !kimi#explanation().running}, 'the explanation')
  let g:obs.explained = kimi#explanation().text
  let g:obs.preview_lines = T_lines(winbufnr(T_preview()))
  let g:obs.cursor_stayed = win_getid() == s:source ? v:true : v:false

  " The code action: ALE lists the server's actions, runs the chosen one's command.
  pclose
  execute "normal! 6GV7G\<Esc>"
  '<,'>ALECodeAction
  call T_wait(30, {-> has_key(g:obs, 'menu') && T_preview() != 0
  \   && !kimi#explanation().running && !empty(kimi#explanation().text)}, 'the code action')
  let g:obs.action_explained = kimi#explanation().text
  let g:obs.action_preview = T_lines(winbufnr(T_preview()))

  " Completion: <C-x><C-o> at the end of the empty body line; the first item is inserted.
  call cursor(line('$'), 1)
  execute "normal! A\<C-x>\<C-o>"
  let g:obs.completed = getline(line('$') - 2, '$')

  KimiCancel
  call T_wait(10, {-> s:said('Kimi: nothing was running.')}, 'the answer of :KimiCancel')
  let g:obs.lines = getline(1, '$')
  call T_finish()
catch
  call T_fail(v:exception . ' at ' . v:throwpoint)
endtry
