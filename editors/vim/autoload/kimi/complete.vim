" kimi-lsp for Vim 9 through ALE: Kimi's completion, asked for explicitly.
"
" ALE sends its completion requests without a `context`, which kimi-lsp must take as an
" explicit request: with ALE's automatic completion on, every pause in typing would cost a
" model call. So ALE's own completion does not ask kimi-lsp (kimi#complete#hide_from_ale,
" unless g:kimi_ale_completion is 1), and Kimi answers through kimi#complete#omnifunc
" (<C-x><C-o>), which says it was invoked (`triggerKind: 1`). A multi-line suggestion is
" inserted whole: Vim's menu shows its first line, and the rest follows on CompleteDone.

" The request in flight: {'id', 'result'} (result v:null until the answer comes).
let s:pending = get(s:, 'pending', {})

" Make ALE's completion (automatic, :ALEComplete, its omnifunc) leave kimi-lsp out, by
" marking ALE's connection to it as one without completion.
function! kimi#complete#hide_from_ale(conn) abort
  if get(g:, 'kimi_ale_completion', 0)
    return
  endif
  try
    let l:connection = get(ale#lsp#GetConnections(), a:conn, {})
    if has_key(l:connection, 'capabilities')
      let l:connection.capabilities.completion = 0
    endif
  catch
    " Another ALE version: ALE's completion may then ask kimi-lsp too.
  endtry
endfunction

" 'omnifunc' (or 'completefunc'): Kimi's suggestion at the cursor.
function! kimi#complete#omnifunc(findstart, base) abort
  if a:findstart
    let l:line = getline('.')
    let l:start = col('.') - 1
    while l:start > 0 && l:line[l:start - 1] =~# '\k'
      let l:start -= 1
    endwhile
    let s:pending = {'id': 0, 'result': v:null, 'start': l:start, 'lnum': line('.'),
    \   'buffer': bufnr(''), 'done': 0}
    let l:position = {'line': line('.') - 1,
    \   'character': kimi#review#utf16_len(strpart(l:line, 0, col('.') - 1))}
    let l:params = {'textDocument': {'uri': kimi#uri(bufnr(''))}, 'position': l:position,
    \   'context': {'triggerKind': 1}}
    if !kimi#connect(bufnr(''), {conn -> s:send(conn, l:params)})
      return -3  " no kimi-lsp here: cancel the completion silently
    endif
    return l:start
  endif
  while !s:pending.done && !complete_check()
    sleep 10m
  endwhile
  return s:pending.done ? s:items(s:pending.result) : []
endfunction

function! s:send(conn, params) abort
  let s:pending.id = kimi#request(a:conn, 'textDocument/completion', a:params,
  \   function('s:on_answer'))
endfunction

function! s:on_answer(message) abort
  if get(a:message, 'id', -1) != s:pending.id
    return
  endif
  let s:pending.result = get(a:message, 'result', v:null)
  let s:pending.done = 1
endfunction

" Vim's complete items for kimi-lsp's answer (a list, or {items}).
function! s:items(result) abort
  let l:items = type(a:result) is v:t_dict ? get(a:result, 'items', []) : a:result
  if type(l:items) isnot v:t_list
    return []
  endif
  let l:line = getbufline(s:pending.buffer, s:pending.lnum)[0]
  let l:out = []
  for l:item in l:items
    let l:text = s:text_from_start(l:item, l:line)
    if empty(l:text)
      continue
    endif
    let l:lines = split(l:text, "\n", 1)
    call add(l:out, {
    \   'word': l:lines[0],
    \   'abbr': get(l:item, 'label', l:lines[0]),
    \   'menu': get(l:item, 'detail', 'Kimi'),
    \   'info': s:documentation(l:item),
    \   'dup': 1,
    \   'user_data': {'kimi': l:text},
    \})
  endfor
  return l:out
endfunction

" The item's text as it replaces what lies between the completion start and the cursor.
function! s:text_from_start(item, line) abort
  let l:edit = get(a:item, 'textEdit', {})
  let l:text = type(l:edit) is v:t_dict && has_key(l:edit, 'newText')
  \   ? l:edit.newText : get(a:item, 'insertText', get(a:item, 'label', ''))
  if type(l:edit) is v:t_dict && has_key(l:edit, 'range')
    let l:from = s:byte_col(a:line, l:edit.range.start.character)
    if l:from < s:pending.start
      " The edit starts earlier: that text is in the buffer already.
      let l:kept = strpart(a:line, l:from, s:pending.start - l:from)
      let l:text = l:text[: len(l:kept) - 1] is# l:kept ? l:text[len(l:kept) :] : l:text
    elseif l:from > s:pending.start
      let l:text = strpart(a:line, s:pending.start, l:from - s:pending.start) . l:text
    endif
  endif
  return l:text
endfunction

function! s:byte_col(line, units) abort
  let l:units = 0
  let l:index = 0
  for l:char in split(a:line, '\zs')
    if l:units >= a:units
      break
    endif
    let l:units += char2nr(l:char) > 0xFFFF ? 2 : 1
    let l:index += len(l:char)
  endfor
  return l:index
endfunction

function! s:documentation(item) abort
  let l:doc = get(a:item, 'documentation', '')
  return type(l:doc) is v:t_dict ? get(l:doc, 'value', '') : type(l:doc) is v:t_string ? l:doc : ''
endfunction

" CompleteDone: after a Kimi item whose text has more lines than Vim inserted (its first),
" put the rest in, keeping what followed the cursor after the last line.
function! kimi#complete#done() abort
  let l:item = v:completed_item
  let l:data = type(l:item) is v:t_dict ? get(l:item, 'user_data', '') : ''
  if type(l:data) isnot v:t_dict || !has_key(l:data, 'kimi')
    return
  endif
  let l:lines = split(l:data.kimi, "\n", 1)
  if len(l:lines) < 2
    return
  endif
  let l:lnum = line('.')
  let l:line = getline(l:lnum)
  let l:cut = col('.') - 1
  if mode() isnot# 'i' && l:cut < len(l:line)
    let l:cut += 1  " out of Insert mode, the cursor sits on the word's last character
  endif
  let l:after = strpart(l:line, l:cut)
  call setline(l:lnum, strpart(l:line, 0, l:cut))
  call append(l:lnum, l:lines[1:-2] + [l:lines[-1] . l:after])
  call cursor(l:lnum + len(l:lines) - 1, len(l:lines[-1]) + 1)
endfunction
