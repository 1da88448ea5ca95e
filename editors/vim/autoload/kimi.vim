" kimi-lsp for Vim 9 through ALE: the linter definition, the explanation in the preview
" window, and the commands. ALE runs the server and keeps the documents in sync; this file
" sends kimi-lsp's commands over ALE's connection and listens to it for what ALE ignores
" (`kimi/stream` notifications and the answer of an explain code action).

let s:PLACEHOLDER = '_Kimi is thinking…_'
let s:MARKERS = ['.git', 'pyproject.toml', 'setup.py', 'package.json', 'Cargo.toml',
\   'go.mod', 'pom.xml', 'build.gradle', 'Makefile']

" Requests sent by this file, by ALE's request id: {'kind': ..., 'conn': ..., 'stream': ...}.
let s:requests = get(s:, 'requests', {})
" The explanation shown in the preview window: its stream id, text, and whether it runs.
let s:explain = get(s:, 'explain', {'stream': '', 'text': '', 'running': 0, 'request': 0})
let s:counter = get(s:, 'counter', 0)

function! s:echo(message, ...) abort
  let l:group = a:0 ? a:1 : 'None'
  execute 'echohl' l:group
  echomsg a:message
  echohl None
endfunction

" The project root: the nearest folder with one of s:MARKERS, else the file's folder.
function! kimi#project_root(buffer) abort
  let l:path = fnamemodify(bufname(a:buffer), ':p:h')
  for l:marker in s:MARKERS
    let l:found = finddir(l:marker, l:path . ';')
    if empty(l:found)
      let l:found = findfile(l:marker, l:path . ';')
    endif
    if !empty(l:found)
      return fnamemodify(l:found, ':p:h:h')
    endif
  endfor
  return l:path
endfunction

function! kimi#executable(buffer) abort
  return get(g:, 'kimi_executable', 'kimi-lsp')
endfunction

function! kimi#initialization_options(buffer) abort
  return {'kimi': get(g:, 'kimi_settings', {})}
endfunction

" ALE's own default linters for the filetypes where it names them (ALE 3.3): naming
" linters there would leave kimi out, so kimi is added to them.
let s:ALE_DEFAULTS = {
\   'elixir': ['credo', 'dialyxir', 'dogma'],
\   'go': ['gofmt', 'golint', 'gopls', 'govet'],
\   'python': ['flake8', 'mypy', 'pylint', 'pyright', 'ruff'],
\   'rust': ['cargo', 'rls'],
\}

" Make sure ALE runs kimi for `filetype`: add it to g:ale_linters where linters are named
" (by you, or by ALE's defaults), unless g:kimi_ale_linters is 0.
function! s:enable_in_ale(filetype) abort
  if !get(g:, 'kimi_ale_linters', 1)
    return
  endif
  let g:ale_linters = get(g:, 'ale_linters', {})
  let l:names = get(g:ale_linters, a:filetype, get(s:ALE_DEFAULTS, a:filetype, v:null))
  if type(l:names) is v:t_list && index(l:names, 'kimi') < 0
    let g:ale_linters[a:filetype] = l:names + ['kimi']
  elseif l:names is v:null && get(g:, 'ale_linters_explicit', 0)
    let g:ale_linters[a:filetype] = ['kimi']
  endif
endfunction

" Register kimi-lsp with ALE for every filetype of g:kimi_filetypes.
function! kimi#define_linters() abort
  if empty(globpath(&runtimepath, 'autoload/ale/linter.vim'))
    call s:echo('kimi: ALE is not installed (Debian: apt install vim-ale; then packadd! ale)',
    \   'WarningMsg')
    return
  endif
  for l:filetype in get(g:, 'kimi_filetypes', [])
    call ale#linter#Define(l:filetype, {
    \   'name': 'kimi',
    \   'lsp': 'stdio',
    \   'executable': function('kimi#executable'),
    \   'command': '%e',
    \   'project_root': function('kimi#project_root'),
    \   'initialization_options': function('kimi#initialization_options'),
    \})
    call s:enable_in_ale(l:filetype)
  endfor
endfunction

" ALE's omnifunc in kimi's filetypes, unless the buffer has one of its own (one that is not
" a $VIMRUNTIME default), or always (g:kimi_set_omnifunc = 2).
function! kimi#set_omnifunc() abort
  let l:mode = get(g:, 'kimi_set_omnifunc', 1)
  if l:mode == 0 || index(get(g:, 'kimi_filetypes', []), &filetype) < 0
    return
  endif
  let l:current = &l:omnifunc
  let l:script = substitute(l:current, '#[^#]*$', '', '')
  let l:default = l:current =~# '#'
  \   && !empty(globpath($VIMRUNTIME, 'autoload/' . substitute(l:script, '#', '/', 'g') . '.vim'))
  if l:mode == 2 || empty(l:current) || l:default
    setlocal omnifunc=ale#completion#OmniFunc
  endif
endfunction

" The kimi linter of `buffer`'s filetype, or {} after saying why there is none.
function! s:linter(buffer) abort
  let l:filetype = ale#linter#ResolveFiletype(getbufvar(a:buffer, '&filetype'))
  for l:linter in ale#linter#GetAll(l:filetype)
    if l:linter.name is# 'kimi'
      return l:linter
    endif
  endfor
  call s:echo(printf('Kimi: kimi-lsp does not serve filetype "%s" (see g:kimi_filetypes).',
  \   l:filetype), 'WarningMsg')
  return {}
endfunction

" Call `Callback(conn_id)` once ALE's connection to kimi-lsp for `buffer` is ready (started if
" needed), with this file listening to it and the document sent up to date.
function! s:connect(buffer, Callback) abort
  let l:linter = s:linter(a:buffer)
  if empty(l:linter)
    return
  endif
  let l:started = ale#lsp_linter#StartLSP(a:buffer, l:linter,
  \   {linter, details -> s:ready(details, a:Callback)})
  if !l:started
    call s:echo('Kimi: kimi-lsp could not start (is it on $PATH? see :ALEInfo).', 'ErrorMsg')
  endif
endfunction

function! s:ready(details, Callback) abort
  let l:conn = a:details.connection_id
  call ale#lsp#RegisterCallback(l:conn, function('kimi#on_message'))
  call ale#lsp#NotifyForChanges(l:conn, a:details.buffer)
  call a:Callback(l:conn)
endfunction

" Listen to the connection of the current buffer (ALE started a language server for it).
" Once per buffer: starting the connection again fires ALELSPStarted again.
function! kimi#listen() abort
  let l:buffer = bufnr('')
  if getbufvar(l:buffer, 'kimi_listening', 0)
  \ || index(get(g:, 'kimi_filetypes', []), getbufvar(l:buffer, '&filetype')) < 0
    return
  endif
  call setbufvar(l:buffer, 'kimi_listening', 1)
  call s:connect(l:buffer, {conn -> 0})
endfunction

" Send `workspace/executeCommand`; the answer goes to s:on_answer with `kind`.
function! s:execute(conn, command, arguments, kind, ...) abort
  let l:message = [0, 'workspace/executeCommand',
  \   {'command': a:command, 'arguments': a:arguments}]
  let l:id = ale#lsp#Send(a:conn, l:message)
  if l:id > 0
    let s:requests[l:id] = extend({'kind': a:kind, 'conn': a:conn}, a:0 ? a:1 : {})
  endif
  return l:id
endfunction

" --- the preview window ---------------------------------------------------------------

" The explanation's scratch buffer (kept by number: bufnr() would take a name as a pattern).
" Markdown syntax, not filetype, so that ALE leaves it alone.
function! s:preview_buffer() abort
  let l:buffer = get(s:, 'preview_nr', -1)
  if l:buffer < 0 || !bufexists(l:buffer)
    let l:buffer = bufadd('')
    call bufload(l:buffer)
    call setbufvar(l:buffer, '&buftype', 'nofile')
    call setbufvar(l:buffer, '&bufhidden', 'hide')
    call setbufvar(l:buffer, '&swapfile', 0)
    call setbufvar(l:buffer, '&buflisted', 0)
    call setbufvar(l:buffer, '&syntax', 'markdown')
    call setbufvar(l:buffer, 'ale_enabled', 0)
    let s:preview_nr = l:buffer
  endif
  return l:buffer
endfunction

" Show the explanation buffer in the preview window (opened if needed), cursor unmoved.
function! s:preview_show() abort
  let l:buffer = s:preview_buffer()
  for l:info in getwininfo()
    if getwinvar(l:info.winid, '&previewwindow')
      if l:info.bufnr != l:buffer
        call win_execute(l:info.winid, 'silent keepalt buffer ' . l:buffer)
      endif
      return
    endif
  endfor
  let l:window = win_getid()
  execute 'silent keepalt botright' &previewheight . 'split'
  execute 'silent keepalt buffer' l:buffer
  setlocal previewwindow winfixheight wrap linebreak
  call win_gotoid(l:window)
endfunction

function! s:preview_set(lines) abort
  let l:buffer = s:preview_buffer()
  call setbufvar(l:buffer, '&modifiable', 1)
  silent call deletebufline(l:buffer, 1, '$')
  call setbufline(l:buffer, 1, a:lines)
  call setbufvar(l:buffer, '&modifiable', 0)
endfunction

function! s:explain_begin(stream, request) abort
  let s:explain = {'stream': a:stream, 'text': '', 'running': 1, 'request': a:request}
  call s:preview_set([s:PLACEHOLDER])
  call s:preview_show()
endfunction

function! s:explain_text(text) abort
  let s:explain.text = a:text
  call s:preview_set(split(a:text, "\n", 1))
endfunction

function! s:explain_end(note) abort
  if !s:explain.running
    return
  endif
  let s:explain.running = 0
  let l:text = s:explain.text
  if !empty(a:note)
    let l:text = (empty(l:text) ? '' : l:text . "\n\n") . a:note
  endif
  call s:explain_text(empty(l:text) ? '_(no explanation)_' : l:text)
endfunction

" --- messages from the server ---------------------------------------------------------

function! kimi#on_message(conn_id, message) abort
  let l:method = get(a:message, 'method', '')
  if l:method is# 'kimi/stream'
    call s:on_stream(get(a:message, 'params', {}))
  elseif empty(l:method) && has_key(a:message, 'id')
    call s:on_answer(a:message)
  endif
endfunction

function! s:on_stream(params) abort
  if type(a:params) isnot v:t_dict || get(a:params, 'kind', '') isnot# 'explain'
    return
  endif
  let l:stream = get(a:params, 'id', '')
  if l:stream isnot# s:explain.stream
    if get(a:params, 'done', v:false) is v:true
      return
    endif
    " An explanation this file did not start (the "Kimi: Explain" code action): show it.
    call s:explain_begin(l:stream, 0)
  endif
  let l:delta = get(a:params, 'delta', '')
  if type(l:delta) is v:t_string && !empty(l:delta) && s:explain.running
    call s:explain_text(s:explain.text . l:delta)
  endif
  if get(a:params, 'done', v:false) is v:true
    let l:error = get(a:params, 'error', v:null)
    if type(l:error) is v:t_string
      call s:explain_end(l:error is# 'cancelled' ? '_Cancelled._' : '**Kimi failed:** ' . l:error)
    endif
  endif
endfunction

function! s:on_answer(message) abort
  let l:request = get(s:requests, a:message.id, {})
  if !empty(l:request)
    call remove(s:requests, a:message.id)
  endif
  let l:result = get(a:message, 'result', v:null)
  let l:error = get(a:message, 'error', {})
  if empty(l:request)
    " The answer to ALE's own request: keep the text of an explain code action's.
    if type(l:result) is v:t_dict && type(get(l:result, 'markdown')) is v:t_string
    \&& get(l:result, 'streamId', '') is# s:explain.stream
      call s:explain_text(l:result.markdown)
      let s:explain.running = 0
    endif
    return
  endif
  if l:request.kind is# 'explain'
    if l:request.stream isnot# s:explain.stream
      return
    elseif !empty(l:error)
      let l:why = get(l:error, 'message', 'unknown error')
      call s:explain_end(get(l:error, 'code', 0) == -32800 ? '_Cancelled._' : '**Kimi failed:** ' . l:why)
    elseif type(l:result) is v:t_dict && type(get(l:result, 'markdown')) is v:t_string
      call s:explain_text(l:result.markdown)
      let s:explain.running = 0
    else
      call s:explain_end('')
    endif
  elseif !empty(l:error)
    call s:echo('Kimi: ' . get(l:error, 'message', 'unknown error'), 'ErrorMsg')
  elseif l:request.kind is# 'usage'
    call s:echo(kimi#usage_line(l:result))
  elseif l:request.kind is# 'cancel'
    let l:stopped = get(l:request, 'stopped', 0) + get(l:result, 'cancelled', 0)
    call s:echo(l:stopped > 0 ? 'Kimi: cancelled.' : 'Kimi: nothing was running.')
  endif
endfunction

" --- commands ---------------------------------------------------------------------------

function! s:uri(buffer) abort
  return ale#util#ToURI(expand('#' . a:buffer . ':p'))
endfunction

" :[range]KimiExplain — explain whole lines; the answer streams into the preview window.
function! kimi#explain(line1, line2) abort
  let l:buffer = bufnr('')
  let l:range = {
  \   'start': {'line': a:line1 - 1, 'character': 0},
  \   'end': {'line': a:line2, 'character': 0},
  \}
  let s:counter += 1
  let l:stream = printf('vim-%d-%d', getpid(), s:counter)
  let l:argument = {'uri': s:uri(l:buffer), 'range': l:range, 'streamId': l:stream}
  call s:explain_begin(l:stream, 0)
  call s:connect(l:buffer, {conn -> s:explain_send(conn, l:argument)})
endfunction

function! s:explain_send(conn, argument) abort
  let s:explain.request = s:execute(a:conn, 'kimi.explain', [a:argument], 'explain',
  \   {'stream': a:argument.streamId})
endfunction

function! kimi#show_explanation() abort
  if get(s:, 'preview_nr', -1) < 0 || !bufexists(s:preview_nr)
    call s:echo('Kimi: there is no explanation to show.')
    return
  endif
  call s:preview_show()
endfunction

" :KimiCancel — stop the explanation and the Kimi commands of this buffer.
function! kimi#cancel() abort
  let l:buffer = bufnr('')
  let l:stopped = 0
  for [l:id, l:request] in items(s:requests)
    if l:request.kind is# 'explain' && s:explain.running
      call ale#lsp#Send(l:request.conn, [1, '$/cancelRequest', {'id': str2nr(l:id)}])
      let l:stopped += 1
    endif
  endfor
  if empty(s:linter(l:buffer))
    call s:echo(l:stopped > 0 ? 'Kimi: cancelled.' : 'Kimi: nothing was running.')
    return
  endif
  call s:connect(l:buffer, {conn -> s:execute(conn, 'kimi.cancel', [{'uri': s:uri(l:buffer)}],
  \   'cancel', {'stopped': l:stopped})})
endfunction

" :KimiUsage — the session's requests, tokens and cost.
function! kimi#usage() abort
  call s:connect(bufnr(''), {conn -> s:execute(conn, 'kimi.usage', [], 'usage')})
endfunction

function! kimi#usage_line(usage) abort
  let l:Get = {key -> type(get(a:usage, key, 0)) is v:t_number ? get(a:usage, key, 0) : 0}
  let l:cost = get(a:usage, 'costUsd', v:null)
  let l:cost_text = type(l:cost) is v:t_float || type(l:cost) is v:t_number
  \   ? printf('$%.4f', l:cost) : 'unknown'
  return printf('Kimi: %d request%s · %d prompt + %d completion tokens · cost %s',
  \   l:Get('requests'), l:Get('requests') == 1 ? '' : 's',
  \   l:Get('promptTokens'), l:Get('completionTokens'), l:cost_text)
endfunction

" For tests and statuslines: the explanation shown ({'stream', 'text', 'running'}).
function! kimi#explanation() abort
  return copy(s:explain)
endfunction
