" kimi-lsp for Vim 9 through ALE: the linter definition, the connection, the explanation
" in the preview window, and the commands. ALE runs the server and keeps the documents in
" sync; this file sends kimi-lsp's commands over ALE's connection and listens to it for
" what ALE ignores (`kimi/stream` notifications, the answers of code actions).
" Rewrites reviewed before they land: autoload/kimi/review.vim; completion:
" autoload/kimi/complete.vim.

let s:MARKERS = ['.git', 'pyproject.toml', 'setup.py', 'package.json', 'Cargo.toml',
\   'go.mod', 'pom.xml', 'build.gradle', 'Makefile']

" Requests sent by the plugin, by ALE's request id: {'kind': ..., 'conn': ..., ...}.
let s:requests = get(s:, 'requests', {})
let s:counter = get(s:, 'counter', 0)

function! s:echo(message, ...) abort
  let l:group = a:0 ? a:1 : 'None'
  execute 'echohl' l:group
  echomsg a:message
  echohl None
endfunction

function! kimi#echo(message, ...) abort
  call s:echo(a:message, a:0 ? a:1 : 'None')
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

" Kimi's omnifunc in kimi's filetypes, unless the buffer has one of its own (one that is
" not a $VIMRUNTIME default or ALE's), or always (g:kimi_set_omnifunc = 2).
function! kimi#set_omnifunc() abort
  let l:mode = get(g:, 'kimi_set_omnifunc', 1)
  if l:mode == 0 || index(get(g:, 'kimi_filetypes', []), &filetype) < 0
    return
  endif
  let l:current = &l:omnifunc
  let l:script = substitute(l:current, '#[^#]*$', '', '')
  let l:default = l:current =~# '#'
  \   && !empty(globpath($VIMRUNTIME, 'autoload/' . substitute(l:script, '#', '/', 'g') . '.vim'))
  if l:mode == 2 || empty(l:current) || l:default || l:current is# 'ale#completion#OmniFunc'
    setlocal omnifunc=kimi#complete#omnifunc
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
" Returns 0 (after saying why) when kimi-lsp cannot serve the buffer.
function! s:connect(buffer, Callback) abort
  let l:linter = s:linter(a:buffer)
  if empty(l:linter)
    return 0
  endif
  let l:started = ale#lsp_linter#StartLSP(a:buffer, l:linter,
  \   {linter, details -> s:ready(details, a:Callback)})
  if !l:started
    call s:echo('Kimi: kimi-lsp could not start (is it on $PATH? see :ALEInfo).', 'ErrorMsg')
  endif
  return l:started ? 1 : 0
endfunction

function! s:ready(details, Callback) abort
  let l:conn = a:details.connection_id
  call kimi#complete#hide_from_ale(l:conn)
  call ale#lsp#RegisterCallback(l:conn, function('kimi#on_message'))
  call ale#lsp#NotifyForChanges(l:conn, a:details.buffer)
  call a:Callback(l:conn)
endfunction

function! kimi#connect(buffer, Callback) abort
  return s:connect(a:buffer, a:Callback)
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

function! kimi#execute(conn, command, arguments, kind, ...) abort
  return s:execute(a:conn, a:command, a:arguments, a:kind, a:0 ? a:1 : {})
endfunction

" Send any request; `Callback(message)` gets its answer.
function! kimi#request(conn, method, params, Callback) abort
  let l:id = ale#lsp#Send(a:conn, [0, a:method, a:params])
  if l:id > 0
    let s:requests[l:id] = {'kind': 'callback', 'conn': a:conn, 'callback': a:Callback}
  endif
  return l:id
endfunction

" Cancel a request the plugin sent (`$/cancelRequest`); its answer is then ignored.
function! kimi#cancel_request(conn, id) abort
  let s:requests[a:id] = {'kind': 'ignore', 'conn': a:conn}
  call ale#lsp#Send(a:conn, [1, '$/cancelRequest', {'id': a:id}])
endfunction

function! kimi#stream_id() abort
  let s:counter += 1
  return printf('vim-%d-%d', getpid(), s:counter)
endfunction

" --- the preview window ---------------------------------------------------------------

" The plugin's scratch buffers, by name ('kimi_explain', 'kimi_proposal'), kept by number
" (bufnr() would take a name as a pattern). Syntax, not filetype, so that ALE leaves them
" alone.
let s:scratch = get(s:, 'scratch', {})

function! s:scratch_buffer(name, syntax) abort
  let l:buffer = get(s:scratch, a:name, -1)
  if l:buffer < 0 || !bufexists(l:buffer)
    let l:buffer = bufadd('')
    call bufload(l:buffer)
    call setbufvar(l:buffer, '&buftype', 'nofile')
    call setbufvar(l:buffer, '&bufhidden', 'hide')
    call setbufvar(l:buffer, '&swapfile', 0)
    call setbufvar(l:buffer, '&buflisted', 0)
    call setbufvar(l:buffer, '&syntax', a:syntax)
    call setbufvar(l:buffer, 'ale_enabled', 0)
    let s:scratch[a:name] = l:buffer
  endif
  return l:buffer
endfunction

" Whether the scratch buffer `name` exists.
function! kimi#preview_exists(name) abort
  return get(s:scratch, a:name, -1) > 0 && bufexists(s:scratch[a:name])
endfunction

" The number of the scratch buffer `name` (-1 when there is none).
function! kimi#preview_buffer(name) abort
  return kimi#preview_exists(a:name) ? s:scratch[a:name] : -1
endfunction

" Put `lines` in the scratch buffer `name` (made with `syntax`); its number.
function! kimi#preview_set(name, lines, syntax) abort
  let l:buffer = s:scratch_buffer(a:name, a:syntax)
  call setbufvar(l:buffer, '&modifiable', 1)
  silent call deletebufline(l:buffer, 1, '$')
  call setbufline(l:buffer, 1, a:lines)
  call setbufvar(l:buffer, '&modifiable', 0)
  return l:buffer
endfunction

" Show `buffer` in the preview window (opened if needed), the cursor unmoved.
function! kimi#preview_show(buffer) abort
  for l:info in getwininfo()
    if getwinvar(l:info.winid, '&previewwindow')
      if l:info.bufnr != a:buffer
        call win_execute(l:info.winid, 'silent keepalt buffer ' . a:buffer)
      endif
      return
    endif
  endfor
  let l:window = win_getid()
  execute 'silent keepalt botright' &previewheight . 'split'
  execute 'silent keepalt buffer' a:buffer
  setlocal previewwindow winfixheight wrap linebreak
  call win_gotoid(l:window)
endfunction

" Close the preview window if it shows the scratch buffer `name`.
function! kimi#preview_close(name) abort
  let l:buffer = get(s:scratch, a:name, -1)
  for l:info in getwininfo()
    if getwinvar(l:info.winid, '&previewwindow') && l:info.bufnr == l:buffer
      pclose
      return
    endif
  endfor
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
  if type(a:params) isnot v:t_dict
    return
  elseif index(['refactor', 'fix'], get(a:params, 'kind', '')) >= 0
    call kimi#review#on_stream(a:params)
  elseif get(a:params, 'kind', '') is# 'explain'
    call kimi#explain#on_stream(a:params)
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
    " The answer to ALE's own request: an explain code action's, its code actions, or
    " the rewrite one of them ran. ALE keeps errors to itself: say them (such as "Kimi:
    " Refactor..." answered that it needs an instruction): those of Kimi's commands.
    if !empty(l:error) && get(l:error, 'message', '') =~? 'kimi'
    \&& index([-32800, -32801], get(l:error, 'code', 0)) < 0
      call s:echo('Kimi: ' . substitute(get(l:error, 'message', 'unknown error'),
      \   '^Kimi: ', '', ''), 'ErrorMsg')
    elseif !kimi#explain#on_other_answer(l:result)
      call kimi#review#on_other_answer(l:result)
    endif
    return
  endif
  if l:request.kind is# 'ignore'
    return
  elseif l:request.kind is# 'callback'
    call l:request.callback(a:message)
  elseif l:request.kind is# 'rewrite'
    call kimi#review#on_answer(l:request, a:message)
  elseif l:request.kind is# 'explain'
    call kimi#explain#on_answer(l:request, a:message)
  elseif !empty(l:error)
    call s:echo('Kimi: ' . substitute(get(l:error, 'message', 'unknown error'),
    \   '^Kimi: ', '', ''), 'ErrorMsg')
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

function! kimi#uri(buffer) abort
  return s:uri(a:buffer)
endfunction

" The buffer of the document `uri` (0 when none).
function! kimi#buffer_of(uri) abort
  for l:info in getbufinfo({'bufloaded': 1})
    if !empty(l:info.name) && s:uri(l:info.bufnr) is# a:uri
      return l:info.bufnr
    endif
  endfor
  return 0
endfunction

" :KimiCancel — stop the explanation and the Kimi commands of this buffer.
function! kimi#cancel() abort
  let l:buffer = bufnr('')
  let l:stopped = 0
  for [l:id, l:request] in items(s:requests)
    if l:request.kind is# 'explain' && kimi#explain#running()
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
  let l:cost_text = type(get(a:usage, 'cost', v:null)) is v:t_string ? a:usage.cost
  \   : type(l:cost) is v:t_float || type(l:cost) is v:t_number
  \   ? printf('$%.4f', l:cost) : 'unknown'
  return printf('Kimi: %d request%s · %d prompt + %d completion tokens · cost %s',
  \   l:Get('requests'), l:Get('requests') == 1 ? '' : 's',
  \   l:Get('promptTokens'), l:Get('completionTokens'), l:cost_text)
endfunction

" :[range]KimiExplain, :KimiExplainShow and the explanation shown ({'stream', 'text',
" 'running'}): autoload/kimi/explain.vim.
function! kimi#explain(line1, line2) abort
  call kimi#explain#run(a:line1, a:line2)
endfunction

function! kimi#show_explanation() abort
  call kimi#explain#show()
endfunction

function! kimi#explanation() abort
  return kimi#explain#state()
endfunction
