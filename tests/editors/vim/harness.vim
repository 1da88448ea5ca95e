" Helpers for the Vim test scripts: record observations, wait for an event while Vim's
" channels are served (`:sleep` runs ALE's job callbacks), write them as JSON, finish.
let g:obs = {}

function! T_write() abort
  let g:obs.messages = split(execute('messages'), "\n")
  call writefile([json_encode(g:obs)], $KIMI_TEST_OUT)
endfunction

function! T_fail(why) abort
  let g:obs.error = a:why
  call T_write()
  cquit 1
endfunction

" Wait until `Predicate()` holds; fail with `what` after `seconds`.
function! T_wait(seconds, Predicate, what) abort
  let l:start = reltime()
  while !a:Predicate()
    if reltimefloat(reltime(l:start)) > a:seconds
      call T_fail('timed out waiting for ' . a:what)
    endif
    sleep 20m
  endwhile
endfunction

function! T_lines(buffer) abort
  return getbufline(a:buffer, 1, '$')
endfunction

" The preview window's id (0 when none is open).
function! T_preview() abort
  for l:info in getwininfo()
    if getwinvar(l:info.winid, '&previewwindow')
      return l:info.winid
    endif
  endfor
  return 0
endfunction

function! T_finish() abort
  call T_write()
  call ale#lsp#StopAll()
  qa!
endfunction
