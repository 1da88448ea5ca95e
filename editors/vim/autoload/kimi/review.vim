" kimi-lsp for Vim 9 through ALE: rewrites reviewed before they land.
"
" ALE declares no `workspace/applyEdit`, so kimi-lsp writes nothing into the buffer: a
" rewrite (kimi.refactor, kimi.fix) answers with the proposed text, `newText`, the `range`
" it replaces and the document `version` it was made for. This file shows that proposal
" (the proposed lines as virtual text above the original, which is highlighted, and a
" diff in the preview window) and applies it on :KimiAccept, only if the text of the range
" is still what the model saw; :KimiReject drops it. The state of a buffer's rewrite is
" b:kimi_proposal: {'state': 'writing'|'proposed', 'kind', 'request', 'conn', 'stream',
" 'lines' (the buffer when the request was sent), 'range', 'newText', 'version',
" 'original' (the text of the range when the request was sent), 'proposalId'}.

let s:PROPOSED = 'kimi_proposed'
let s:ORIGINAL = 'kimi_original'
" The latest code actions ALE was given for a document: {'uri', 'buffer', 'lines'}.
let s:actions = get(s:, 'actions', {})

function! s:echo(message, ...) abort
  call kimi#echo(a:message, a:0 ? a:1 : 'None')
endfunction

" --- positions (kimi-lsp speaks UTF-16 to ALE) --------------------------------------------

" The byte index in `text` of the UTF-16 offset `units` (the end of the line past it).
function! s:byte_index(text, units) abort
  let l:units = 0
  let l:index = 0
  for l:char in split(a:text, '\zs')
    if l:units >= a:units
      return l:index
    endif
    let l:units += char2nr(l:char) > 0xFFFF ? 2 : 1
    let l:index += len(l:char)
  endfor
  return l:index
endfunction

" The UTF-16 length of `text`.
function! kimi#review#utf16_len(text) abort
  let l:units = 0
  for l:char in split(a:text, '\zs')
    let l:units += char2nr(l:char) > 0xFFFF ? 2 : 1
  endfor
  return l:units
endfunction

" Split `lines` (a list, without line breaks, as the document had them) at the LSP
" `range`: [the text before it, the text of it, the text after it].
function! s:cut(lines, range) abort
  let l:text = join(a:lines, "\n") . "\n"
  let l:offsets = [0]
  for l:line in a:lines
    call add(l:offsets, l:offsets[-1] + len(l:line) + 1)
  endfor
  let l:at = []
  for l:position in [a:range.start, a:range.end]
    if l:position.line >= len(a:lines)
      call add(l:at, len(l:text))
    else
      call add(l:at, l:offsets[l:position.line]
      \   + s:byte_index(a:lines[l:position.line], l:position.character))
    endif
  endfor
  return [strpart(l:text, 0, l:at[0]), strpart(l:text, l:at[0], l:at[1] - l:at[0]),
  \   strpart(l:text, l:at[1])]
endfunction

" --- showing a proposal ---------------------------------------------------------------------

function! s:prop_types() abort
  if empty(prop_type_get(s:PROPOSED))
    call prop_type_add(s:PROPOSED, {'highlight': 'DiffAdd'})
  endif
  if empty(prop_type_get(s:ORIGINAL))
    call prop_type_add(s:ORIGINAL, {'highlight': 'DiffDelete'})
  endif
endfunction

function! s:clear(buffer) abort
  if has('textprop') && bufexists(a:buffer)
    call s:prop_types()
    call prop_remove({'type': s:PROPOSED, 'bufnr': a:buffer, 'all': 1})
    call prop_remove({'type': s:ORIGINAL, 'bufnr': a:buffer, 'all': 1})
  endif
endfunction

" The proposed lines as virtual text above the original, which is highlighted as removed.
function! s:draw(buffer, proposal) abort
  call s:clear(a:buffer)
  if !has('textprop') || !get(g:, 'kimi_proposal_inline', 1)
    return
  endif
  let l:first = a:proposal.range.start.line + 1
  let l:last = a:proposal.range.end.line + (a:proposal.range.end.character > 0 ? 1 : 0)
  let l:count = len(getbufline(a:buffer, 1, '$'))
  let l:last = min([max([l:last, l:first]), l:count])
  if l:first > l:count
    return
  endif
  call prop_add(l:first, 0, {'type': s:PROPOSED, 'bufnr': a:buffer, 'text_align': 'above',
  \   'text': 'Kimi proposes (:KimiAccept applies it, :KimiReject drops it):'})
  for l:line in split(a:proposal.newText, "\n")
    call prop_add(l:first, 0, {'type': s:PROPOSED, 'bufnr': a:buffer, 'text_align': 'above',
    \   'text': empty(l:line) ? ' ' : l:line})
  endfor
  call prop_add(l:first, 1, {'type': s:ORIGINAL, 'bufnr': a:buffer, 'end_lnum': l:last,
  \   'end_col': len(getbufline(a:buffer, l:last)[0]) + 1})
endfunction

" The proposal as a diff, for the preview window.
function! s:diff_lines(proposal) abort
  let l:first = a:proposal.range.start.line + 1
  let l:old = split(a:proposal.original, "\n", 1)
  let l:new = split(a:proposal.newText, "\n", 1)
  if len(l:old) > 1 && l:old[-1] is# ''
    call remove(l:old, -1)
  endif
  if len(l:new) > 1 && l:new[-1] is# ''
    call remove(l:new, -1)
  endif
  return [printf('Kimi proposes a change to lines %d-%d: :KimiAccept applies it, '
  \   . ':KimiReject drops it.', l:first, l:first + len(l:old) - 1),
  \   printf('@@ -%d,%d +%d,%d @@', l:first, len(l:old), l:first, len(l:new))]
  \   + map(l:old, {_, line -> '-' . line}) + map(l:new, {_, line -> '+' . line})
endfunction

" --- requests and answers -------------------------------------------------------------

" :[range]KimiRefactor {instruction} and :[range]KimiFix.
function! kimi#review#refactor(line1, line2, instruction) abort
  let l:instruction = trim(a:instruction)
  if empty(l:instruction)
    call s:echo('Kimi: say what to change, e.g. :KimiRefactor use a dataclass.', 'WarningMsg')
    return
  endif
  call s:start(a:line1, a:line2, 'kimi.refactor', {'instruction': l:instruction})
endfunction

function! kimi#review#fix(line1, line2) abort
  let l:diagnostics = kimi#review#diagnostics(bufnr(''), a:line1, a:line2)
  if empty(l:diagnostics)
    call s:echo('Kimi: ALE shows no problem on these lines; :KimiRefactor says what to change.')
    return
  endif
  call s:start(a:line1, a:line2, 'kimi.fix', {'diagnostics': l:diagnostics})
endfunction

" ALE's problems on lines line1..line2 of `buffer`, as LSP diagnostics.
function! kimi#review#diagnostics(buffer, line1, line2) abort
  let l:out = []
  for l:item in ale#engine#GetLoclist(a:buffer)
    let l:line = get(l:item, 'lnum', 0)
    if l:line < a:line1 || l:line > a:line2 || get(l:item, 'linter_name', '') is# 'kimi'
      continue
    endif
    let l:end = get(l:item, 'end_lnum', l:line)
    let l:diagnostic = {
    \   'range': {'start': {'line': l:line - 1, 'character': 0},
    \             'end': {'line': l:end - 1, 'character': 0}},
    \   'severity': get({'E': 1, 'W': 2, 'I': 3}, get(l:item, 'type', 'E'), 1),
    \   'message': get(l:item, 'text', ''),
    \   'source': get(l:item, 'linter_name', 'ale'),
    \}
    if has_key(l:item, 'code')
      let l:diagnostic.code = l:item.code
    endif
    call add(l:out, l:diagnostic)
  endfor
  return l:out
endfunction

function! s:start(line1, line2, command, more) abort
  let l:buffer = bufnr('')
  let l:pending = getbufvar(l:buffer, 'kimi_proposal', {})
  if !empty(l:pending)
    call s:echo(l:pending.state is# 'writing'
    \   ? 'Kimi is still writing a change here: wait, or :KimiReject stops it.'
    \   : 'Kimi: a change is waiting here; :KimiAccept or :KimiReject it first.', 'WarningMsg')
    return
  endif
  let l:stream = kimi#stream_id()
  let l:argument = extend({
  \   'uri': kimi#uri(l:buffer),
  \   'range': {'start': {'line': a:line1 - 1, 'character': 0},
  \             'end': {'line': a:line2, 'character': 0}},
  \   'streamId': l:stream,
  \}, a:more)
  call setbufvar(l:buffer, 'kimi_proposal', {'state': 'writing', 'request': 0,
  \   'stream': l:stream, 'kind': a:command[5:], 'text': ''})
  call s:preview(['_Kimi is writing…_'])
  call kimi#connect(l:buffer, {conn -> s:send(l:buffer, conn, a:command, l:argument)})
endfunction

function! s:send(buffer, conn, command, argument) abort
  let l:proposal = getbufvar(a:buffer, 'kimi_proposal', {})
  if empty(l:proposal) || l:proposal.stream isnot# a:argument.streamId
    return
  endif
  " The text the server sees: kimi#connect sent the buffer's changes just now.
  let l:proposal.lines = getbufline(a:buffer, 1, '$')
  let l:proposal.conn = a:conn
  let l:proposal.request = kimi#execute(a:conn, a:command, [a:argument], 'rewrite',
  \   {'buffer': a:buffer, 'stream': a:argument.streamId})
endfunction

" The streamed reply of a rewrite this file started, shown while it comes.
function! kimi#review#on_stream(params) abort
  for l:buffer in range(1, bufnr('$'))
    let l:proposal = getbufvar(l:buffer, 'kimi_proposal', {})
    if !empty(l:proposal) && l:proposal.stream is# get(a:params, 'id', '')
    \&& l:proposal.state is# 'writing'
      let l:proposal.text .= get(a:params, 'delta', '')
      if !empty(l:proposal.text)
        call s:preview(['_Kimi is writing…_', ''] + split(l:proposal.text, "\n", 1))
      endif
    endif
  endfor
endfunction

" The answer to a rewrite this file sent.
function! kimi#review#on_answer(request, message) abort
  let l:buffer = a:request.buffer
  let l:proposal = getbufvar(l:buffer, 'kimi_proposal', {})
  if empty(l:proposal) || l:proposal.stream isnot# a:request.stream
    return
  endif
  call setbufvar(l:buffer, 'kimi_proposal', {})
  let l:error = get(a:message, 'error', {})
  let l:result = get(a:message, 'result', v:null)
  if !empty(l:error)
    call s:preview_close()
    call s:echo('Kimi: ' . substitute(get(l:error, 'message', 'the rewrite failed.'),
    \   '^Kimi: ', '', ''), 'ErrorMsg')
  elseif type(l:result) is v:t_dict
    call s:proposed(l:buffer, l:result, l:proposal.lines)
  endif
endfunction

" A rewrite answered: keep the proposal and show it, or say why there is none.
function! s:proposed(buffer, result, lines) abort
  let l:status = get(a:result, 'status', '')
  if l:status isnot# 'proposed' || type(get(a:result, 'newText', v:null)) isnot v:t_string
    call s:preview_close()
    if l:status is# 'cancelled'
      call s:echo('Kimi: the rewrite was cancelled; nothing was changed.')
    else
      call s:echo('Kimi: ' . substitute(get(a:result, 'message',
      \   printf('the rewrite ended: %s.', l:status)), '^Kimi: ', '', ''), 'WarningMsg')
    endif
    return
  endif
  let l:proposal = {
  \   'state': 'proposed',
  \   'kind': get(a:result, 'kind', 'refactor'),
  \   'proposalId': get(a:result, 'proposalId', ''),
  \   'range': a:result.range,
  \   'newText': a:result.newText,
  \   'version': get(a:result, 'version', v:null),
  \   'original': s:cut(a:lines, a:result.range)[1],
  \}
  call setbufvar(a:buffer, 'kimi_proposal', l:proposal)
  call s:draw(a:buffer, l:proposal)
  call s:preview(s:diff_lines(l:proposal))
  call s:echo('Kimi: the change is ready: :KimiAccept applies it, :KimiReject drops it.')
endfunction

" ALE's own requests: remember which document its code actions were for (with its text
" then), so that the answer of a rewrite chosen from them (which names no document) can
" be shown there.
function! kimi#review#on_other_answer(result) abort
  if type(a:result) is v:t_list
    for l:action in a:result
      let l:command = type(l:action) is v:t_dict ? get(l:action, 'command', {}) : {}
      let l:arguments = type(l:command) is v:t_dict ? get(l:command, 'arguments', []) : []
      if type(l:arguments) is v:t_list && !empty(l:arguments)
      \&& type(l:arguments[0]) is v:t_dict && has_key(l:arguments[0], 'uri')
        let l:buffer = kimi#buffer_of(l:arguments[0].uri)
        if l:buffer > 0
          let s:actions = {'uri': l:arguments[0].uri, 'buffer': l:buffer,
          \   'lines': getbufline(l:buffer, 1, '$')}
        endif
        return
      endif
    endfor
  elseif type(a:result) is v:t_dict && has_key(a:result, 'newText')
  \&& !empty(s:actions) && bufexists(s:actions.buffer)
    call s:proposed(s:actions.buffer, a:result, s:actions.lines)
  endif
endfunction

" --- accept, reject -------------------------------------------------------------------

" :KimiAccept — put the proposed text in place of the original, if the original is still
" what it was (one undo step).
function! kimi#review#accept() abort
  let l:buffer = bufnr('')
  let l:proposal = get(b:, 'kimi_proposal', {})
  if empty(l:proposal)
    call s:echo('Kimi: there is no change waiting in this buffer.')
    return
  elseif l:proposal.state isnot# 'proposed'
    call s:echo('Kimi is still writing the change: wait for it, or :KimiReject stops it.',
    \   'WarningMsg')
    return
  endif
  let l:lines = getline(1, '$')
  if s:cut(l:lines, l:proposal.range)[1] isnot# l:proposal.original
    call s:echo('Kimi: the lines of this change were edited since it was proposed, so it '
    \   . 'was not applied; :KimiReject it and ask again.', 'ErrorMsg')
    return
  endif
  " Replace only the lines the range touches: its first to its last (the last line when
  " the range runs past the end).
  let l:first = l:proposal.range.start.line
  let l:last = min([l:proposal.range.end.line, len(l:lines) - 1])
  let [l:before, l:now, l:after] = s:cut(l:lines[l:first : l:last], {
  \   'start': {'line': 0, 'character': l:proposal.range.start.character},
  \   'end': {'line': l:proposal.range.end.line - l:first,
  \           'character': l:proposal.range.end.character}})
  let l:new = split(l:before . l:proposal.newText . l:after, "\n", 1)
  if len(l:new) > 1 && l:new[-1] is# ''
    call remove(l:new, -1)  " the line break that ended the last line
  endif
  call s:clear(l:buffer)
  let l:old = l:last - l:first + 1
  if len(l:new) >= l:old
    call setline(l:first + 1, l:new[: l:old - 1])
    call append(l:first + l:old, l:new[l:old :])
  else
    call setline(l:first + 1, l:new)
    silent call deletebufline(l:buffer, l:first + len(l:new) + 1, l:last + 1)
  endif
  let b:kimi_proposal = {}
  call s:preview_close()
  call s:echo('Kimi: the change was applied (u undoes it).')
endfunction

" :KimiReject — drop the proposal (stop the rewrite while it is being written).
function! kimi#review#reject() abort
  let l:buffer = bufnr('')
  let l:proposal = get(b:, 'kimi_proposal', {})
  if empty(l:proposal)
    call s:echo('Kimi: there is no change waiting in this buffer.')
    return
  endif
  let b:kimi_proposal = {}
  if l:proposal.state is# 'writing' && get(l:proposal, 'request', 0) > 0
    call kimi#cancel_request(l:proposal.conn, l:proposal.request)
  endif
  call s:clear(l:buffer)
  call s:preview_close()
  call s:echo('Kimi: the change was rejected; nothing was changed.')
endfunction

" For tests and statuslines: the buffer's proposal ({} when there is none).
function! kimi#review#proposal(...) abort
  return copy(getbufvar(a:0 ? a:1 : bufnr(''), 'kimi_proposal', {}))
endfunction

" --- the preview window -------------------------------------------------------------------

function! s:preview(lines) abort
  call kimi#preview_show(kimi#preview_set('kimi_proposal', a:lines, 'diff'))
endfunction

function! s:preview_close() abort
  call kimi#preview_close('kimi_proposal')
endfunction
