" kimi-lsp for Vim 9 through ALE: explanations, streamed into the preview window.
" :[range]KimiExplain sends kimi.explain over ALE's connection; the `kimi/stream`
" notifications (which ALE ignores) fill the preview window as they come, and so does the
" "Kimi: Explain" code action run by ALE (whose answer ALE drops).

let s:PLACEHOLDER = '_Kimi is thinking…_'
" The explanation shown: its stream id, text, whether it runs, and its request id.
let s:explain = get(s:, 'explain', {'stream': '', 'text': '', 'running': 0, 'request': 0})

function! s:set(lines) abort
  return kimi#preview_set('kimi_explain', a:lines, 'markdown')
endfunction

function! s:begin(stream, request) abort
  let s:explain = {'stream': a:stream, 'text': '', 'running': 1, 'request': a:request}
  call kimi#preview_show(s:set([s:PLACEHOLDER]))
endfunction

function! s:text(text) abort
  let s:explain.text = a:text
  call s:set(split(a:text, "\n", 1))
endfunction

function! s:end(note) abort
  if !s:explain.running
    return
  endif
  let s:explain.running = 0
  let l:text = s:explain.text
  if !empty(a:note)
    let l:text = (empty(l:text) ? '' : l:text . "\n\n") . a:note
  endif
  call s:text(empty(l:text) ? '_(no explanation)_' : l:text)
endfunction

" :[range]KimiExplain — explain whole lines; the answer streams into the preview window.
function! kimi#explain#run(line1, line2) abort
  let l:buffer = bufnr('')
  let l:range = {
  \   'start': {'line': a:line1 - 1, 'character': 0},
  \   'end': {'line': a:line2, 'character': 0},
  \}
  let l:stream = kimi#stream_id()
  let l:argument = {'uri': kimi#uri(l:buffer), 'range': l:range, 'streamId': l:stream}
  call s:begin(l:stream, 0)
  call kimi#connect(l:buffer, {conn -> s:send(conn, l:argument)})
endfunction

function! s:send(conn, argument) abort
  let s:explain.request = kimi#execute(a:conn, 'kimi.explain', [a:argument], 'explain',
  \   {'stream': a:argument.streamId})
endfunction

" :KimiExplainShow
function! kimi#explain#show() abort
  if !kimi#preview_exists('kimi_explain')
    call kimi#echo('Kimi: there is no explanation to show.')
    return
  endif
  call kimi#preview_show(kimi#preview_buffer('kimi_explain'))
endfunction

function! kimi#explain#running() abort
  return s:explain.running
endfunction

function! kimi#explain#state() abort
  return copy(s:explain)
endfunction

function! kimi#explain#on_stream(params) abort
  let l:stream = get(a:params, 'id', '')
  if l:stream isnot# s:explain.stream
    if get(a:params, 'done', v:false) is v:true
      return
    endif
    " An explanation the plugin did not start (the "Kimi: Explain" code action): show it.
    call s:begin(l:stream, 0)
  endif
  let l:delta = get(a:params, 'delta', '')
  if type(l:delta) is v:t_string && !empty(l:delta) && s:explain.running
    call s:text(s:explain.text . l:delta)
  endif
  if get(a:params, 'done', v:false) is v:true
    let l:error = get(a:params, 'error', v:null)
    if type(l:error) is v:t_string
      call s:end(l:error is# 'cancelled' ? '_Cancelled._' : '**Kimi failed:** ' . l:error)
    endif
  endif
endfunction

" The answer to :KimiExplain.
function! kimi#explain#on_answer(request, message) abort
  let l:result = get(a:message, 'result', v:null)
  let l:error = get(a:message, 'error', {})
  if a:request.stream isnot# s:explain.stream
    return
  elseif !empty(l:error)
    let l:why = get(l:error, 'message', 'unknown error')
    call s:end(get(l:error, 'code', 0) == -32800 ? '_Cancelled._' : '**Kimi failed:** ' . l:why)
  elseif type(l:result) is v:t_dict && type(get(l:result, 'markdown')) is v:t_string
    call s:text(l:result.markdown)
    let s:explain.running = 0
  else
    call s:end('')
  endif
endfunction

" An answer to ALE's own request: keep the text of an explain code action's (1 if it was).
function! kimi#explain#on_other_answer(result) abort
  if type(a:result) is v:t_dict && type(get(a:result, 'markdown')) is v:t_string
  \&& get(a:result, 'streamId', '') is# s:explain.stream
    call s:text(a:result.markdown)
    let s:explain.running = 0
    return 1
  endif
  return 0
endfunction
