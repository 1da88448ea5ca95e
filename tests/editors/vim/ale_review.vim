" Vim 9 + ALE + editors/vim against the real server: rewrites reviewed before they land.
" ALE declares no applyEdit, so kimi-lsp answers with newText + range + version and the
" plugin shows the proposal, applies it on :KimiAccept (refusing when its lines changed)
" and drops it on :KimiReject; a rewrite chosen from ALE's code actions too; :KimiFix with
" ALE's problems; ALE's own completion leaves kimi-lsp alone.
source <sfile>:h/harness.vim

" ALE asks which code action to run with input(): answer with the number of g:pick.
runtime autoload/ale/util.vim
let g:pick = ''
function! ale#util#Input(message, value, ...) abort
  let g:obs.menu = split(a:message, "\n")
  for l:line in g:obs.menu
    let l:found = matchlist(l:line, '^\(\d\+\)) ' . escape(g:pick, '.') . '$')
    if !empty(l:found)
      return l:found[1]
    endif
  endfor
  return ''
endfunction

function! s:proposed() abort
  return get(kimi#review#proposal(), 'state', '') is# 'proposed'
endfunction

function! s:props() abort
  let l:out = []
  for l:lnum in range(1, line('$'))
    for l:prop in prop_list(l:lnum)
      call add(l:out, [l:lnum, l:prop.type, get(l:prop, 'text', '')])
    endfor
  endfor
  return l:out
endfunction

function! s:restore() abort
  silent %delete _
  call setline(1, s:original)
endfunction

try
  let s:original = getline(1, '$')
  " Wait for ALE to start kimi-lsp for this buffer.
  KimiUsage
  call T_wait(30, {-> execute('messages') =~# 'Kimi: 0 requests'}, 'the answer of :KimiUsage')

  " :KimiRefactor on lines 6-7: the proposal is shown, nothing is written.
  6,7KimiRefactor use an f-string
  call T_wait(30, {-> s:proposed()}, 'the proposal')
  let g:obs.proposal = kimi#review#proposal()
  let g:obs.lines_while_proposed = getline(1, '$')
  let g:obs.preview = T_lines(winbufnr(T_preview()))
  let g:obs.props = s:props()
  " :KimiAccept: exactly the new code; one u brings the original back.
  KimiAccept
  let g:obs.accepted = getline(1, '$')
  let g:obs.props_after_accept = s:props()
  let g:obs.preview_after_accept = T_preview()
  normal! u
  let g:obs.undone = getline(1, '$')

  " :KimiReject: exactly as it was.
  1,3KimiRefactor add a docstring
  call T_wait(30, {-> s:proposed()}, 'the second proposal')
  KimiReject
  let g:obs.rejected = getline(1, '$')
  let g:obs.props_after_reject = s:props()
  let g:obs.proposal_after_reject = kimi#review#proposal()

  " Lines edited while the proposal waits: :KimiAccept refuses and changes nothing.
  6,7KimiRefactor use an f-string
  call T_wait(30, {-> s:proposed()}, 'the third proposal')
  call setline(7, '    return "hi " + name')
  let s:edited = getline(1, '$')
  KimiAccept
  let g:obs.refused = getline(1, '$') ==# s:edited ? v:true : v:false
  let g:obs.still_proposed = s:proposed() ? v:true : v:false
  KimiReject
  call s:restore()

  " "Kimi: Refactor..." from ALE's code actions: ALE cannot ask for the instruction, and
  " the server's answer (which ALE keeps to itself) is shown.
  let g:pick = 'Kimi: Refactor...'
  execute "normal! 6GV7G\<Esc>"
  '<,'>ALECodeAction
  call T_wait(30, {-> execute('messages') =~# 'needs an `instruction`'}, 'the refusal')

  " A rewrite chosen from ALE's code actions (its answer names no document).
  let g:pick = 'Kimi: Simplify'
  execute "normal! 6GV7G\<Esc>"
  '<,'>ALECodeAction
  call T_wait(30, {-> s:proposed()}, 'the code action proposal')
  let g:obs.action_menu = g:obs.menu
  KimiAccept
  let g:obs.action_accepted = getline(1, '$')
  call s:restore()

  " :KimiFix sends ALE's problems on the lines.
  let g:ale_buffer_info[bufnr('')] = get(g:ale_buffer_info, bufnr(''), {})
  let g:ale_buffer_info[bufnr('')].loclist = [{'bufnr': bufnr(''), 'lnum': 7, 'col': 5,
  \   'text': 'use an f-string', 'type': 'W', 'code': 'F001', 'linter_name': 'lintme'}]
  6,7KimiFix
  call T_wait(30, {-> s:proposed()}, 'the fix')
  KimiAccept
  let g:obs.fixed = getline(1, '$')
  call s:restore()

  " :KimiReject while the model still writes: it stops the rewrite, whose late answer is
  " dropped; the next rewrite is shown as usual.
  6,7KimiRefactor use an f-string
  call T_wait(30, {-> get(kimi#review#proposal(), 'request', 0) > 0
  \   && !empty(get(kimi#review#proposal(), 'text', ''))}, 'the reply to start')
  KimiReject
  let g:obs.rejected_while_writing = getline(1, '$')
  6,7KimiRefactor use an f-string
  call T_wait(30, {-> s:proposed()}, 'the rewrite after the stopped one')
  KimiAccept
  let g:obs.after_stopped = getline(1, '$')
  call s:restore()

  " ALE's automatic completion does not ask kimi-lsp (each request would be a model call).
  call cursor(line('$'), 1)
  call ale#completion#GetCompletions('ale-automatic', {'line': line('$'), 'column': 5,
  \   'prefix': 'ret'})
  let g:obs.ale_completion_request = get(get(b:, 'ale_completion_info', {}), 'request_id', -1)
  call T_finish()
catch
  call T_fail(v:exception . ' at ' . v:throwpoint)
endtry
