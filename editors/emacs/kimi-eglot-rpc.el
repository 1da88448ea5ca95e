;;; kimi-eglot-rpc.el --- kimi-lsp through eglot, not blocking  -*- lexical-binding: t; -*-

;; Part of kimi-eglot.el (load that file; it loads this one).
;; - `kimi-server-p': whether an eglot server is kimi-lsp (the rest only touches those).
;; - `kimi-execute': run a kimi-lsp command asynchronously (a model call can take minutes).
;; - Messages left unread after a synchronous request are read at once (see
;;   `kimi--read-on').
;; - Workspace edits from kimi-lsp are applied here: several files at once, files that are
;;   not open, `CreateFile' and `DeleteFile' (a change across files), never asking
;;   before each streamed edit, and reported with `didChange' at once.
;; Tested with Emacs 28.2 and eglot 1.9 (Debian's elpa-eglot).

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'eglot)
(require 'jsonrpc)

(defvar kimi-command-finished-functions nil
  "Functions called when a kimi-lsp command run by kimi-eglot answers.
Each gets the command name (such as \"kimi.refactor\"), its result (a
plist, or nil) and the error object when the server answered with one (or
nil).")

(defun kimi-server-p (server)
  "Whether SERVER (an eglot server) runs kimi-lsp."
  (and (cl-typep server 'eglot-lsp-server)
       (or (equal (plist-get (eglot--server-info server) :name) "kimi-lsp")
           (let ((process (jsonrpc--process server)))
             (and (processp process)
                  (cl-some (lambda (word)
                             (and (stringp word)
                                  (string-match-p "\\`kimi[-_]lsp"
                                                  (file-name-nondirectory word))))
                           (process-command process)))))))

(defvar-local kimi--server nil
  "The kimi-lsp server of a buffer that eglot does not manage (the review buffer).")

(defun kimi--current-server ()
  "The kimi-lsp server of the current buffer, or an error that says what to do."
  (let ((server (or kimi--server (eglot-current-server))))
    (unless (and server (kimi-server-p server))
      (user-error "Kimi: this buffer is not connected to kimi-lsp; start it with M-x eglot."))
    server))

(defun kimi-say (text &rest args)
  "Show the message TEXT (formatted with ARGS) with the \"Kimi: \" prefix, once."
  (let ((message (apply #'format text args)))
    (message "%s" (if (string-prefix-p "Kimi:" message) message (concat "Kimi: " message)))))

(defmacro kimi--safely (&rest body)
  "Run BODY; report an error as a message instead of raising it.
Answers and notifications are handled inside eglot's process filter, where
an error would leave the messages after it unread."
  `(condition-case err
       (progn ,@body)
     (error (kimi-say "%s" (error-message-string err)))))

(cl-defun kimi-execute (command arguments &key on-result server)
  "Run the kimi-lsp COMMAND with ARGUMENTS (a vector) without blocking.
ON-RESULT is called with the result; an error answer is shown as a
message. Either way `kimi-command-finished-functions' run. SERVER is the
current buffer's by default. There is no client-side timeout: kimi-lsp
bounds its own work and always answers (a model call can take longer than
eglot's 10 s)."
  (setq server (or server (kimi--current-server)))
  ;; Send what was typed first (eglot would wait until Emacs is idle): kimi-lsp works on
  ;; the text the buffers hold now.
  (dolist (buffer (eglot--managed-buffers server))
    (with-current-buffer buffer (eglot--signal-textDocument/didChange)))
  (jsonrpc-async-request
   server :workspace/executeCommand
   `(:command ,command :arguments ,arguments)
   :success-fn (lambda (result)
                 (kimi--safely
                  (when on-result (funcall on-result result))
                  (run-hook-with-args 'kimi-command-finished-functions command result nil)))
   :error-fn (lambda (error)
               (kimi--safely
                (kimi-say "%s" (or (plist-get error :message) "the command failed."))
                (run-hook-with-args 'kimi-command-finished-functions command nil error)))
   :timeout nil)
  nil)

;;; Messages left unread

;; jsonrpc 1.0.14 (Emacs 28) ends a synchronous `jsonrpc-request' by throwing out of the
;; process filter as soon as the answer is read. Messages that arrived in the same chunk
;; after it (a `workspace/applyEdit', a notification) stay unread until the server sends
;; something else, and kimi-lsp, waiting for the edit's answer, sends nothing. Read them
;; right away.
(defun kimi--read-on (request connection &rest arguments)
  "Call REQUEST with CONNECTION and ARGUMENTS, then read what is left for kimi-lsp."
  (unwind-protect
      (apply request connection arguments)
    (when (kimi-server-p connection)
      (let ((process (jsonrpc--process connection)))
        (run-at-time 0 nil (lambda ()
                             (when (process-live-p process)
                               (funcall (process-filter process) process ""))))))))

(advice-add #'jsonrpc-request :around #'kimi--read-on)

;;; What kimi-eglot adds to eglot's client capabilities (kimi-lsp only)

(cl-defmethod eglot-client-capabilities :around (server)
  "Declare that kimi-eglot creates and deletes files in workspace edits."
  (let ((capabilities (cl-call-next-method)))
    (if (not (kimi-server-p server))
        capabilities
      (let ((workspace (copy-sequence (plist-get capabilities :workspace))))
        (setq workspace
              (plist-put workspace :workspaceEdit
                         (list :documentChanges t
                               :resourceOperations ["create" "delete"]
                               :failureHandling "abort")))
        (plist-put (copy-sequence capabilities) :workspace workspace)))))

;;; Workspace edits

(cl-defmethod eglot-handle-request :around
  (server (_method (eql workspace/applyEdit)) &key edit &allow-other-keys)
  "Apply kimi-lsp's edits here: whole, without asking, and reported at once."
  (if (not (kimi-server-p server))
      (cl-call-next-method)
    (dolist (buffer (kimi--apply-workspace-edit edit))
      (with-current-buffer buffer
        (when eglot--managed-mode
          ;; eglot sends didChange only once Emacs is idle; kimi-lsp waits for it
          ;; before its next streamed edit.
          (eglot--signal-textDocument/didChange))))
    '(:applied t)))

(defun kimi--operations (edit)
  "The operations of the workspace EDIT, in order: (create PATH OPTIONS),
(delete PATH OPTIONS) or (edit PATH EDITS VERSION)."
  (let ((changes (plist-get edit :changes))
        (document-changes (plist-get edit :documentChanges)))
    (if document-changes
        (mapcar (lambda (change)
                  (pcase (plist-get change :kind)
                    ("create" (list 'create (eglot--uri-to-path (plist-get change :uri))
                                    (plist-get change :options)))
                    ("delete" (list 'delete (eglot--uri-to-path (plist-get change :uri))
                                    (plist-get change :options)))
                    ((pred null)
                     (let ((document (plist-get change :textDocument)))
                       (list 'edit (eglot--uri-to-path (plist-get document :uri))
                             (plist-get change :edits) (plist-get document :version))))
                    (kind (jsonrpc-error "kimi-eglot cannot apply a `%s' operation" kind))))
                document-changes)
      (cl-loop for (uri edits) on changes by #'cddr
               collect (list 'edit (eglot--uri-to-path uri) edits nil)))))

(defun kimi--true (value)
  "Whether the JSON VALUE is true."
  (and value (not (eq value :json-false))))

(defun kimi--check (operations)
  "Refuse OPERATIONS (a `jsonrpc-error') if one of them cannot be done.
That is: a stale version, a file to create that exists, or a file with
unsaved changes that kimi-lsp cannot see. Nothing is written before."
  (let (created)
    (pcase-dolist (`(,kind ,path ,options ,version) operations)
      (pcase kind
        ('create
         (when (and (file-exists-p path)
                    (not (kimi--true (plist-get options :overwrite)))
                    (not (kimi--true (plist-get options :ignoreIfExists))))
           (jsonrpc-error "%s exists already; nothing was changed" path))
         (push path created))
        ('edit
         (let ((buffer (find-buffer-visiting path)))
           (cond
            ((and buffer (buffer-local-value 'eglot--managed-mode buffer))
             (when (and version
                        (not (equal version (buffer-local-value
                                             'eglot--versioned-identifier buffer))))
               (jsonrpc-error "%s changed since this edit was made; nothing was changed"
                              path)))
            (buffer
             (when (buffer-modified-p buffer)
               (jsonrpc-error "%s has unsaved changes; save it first, nothing was changed"
                              path)))
            ((not (or (file-exists-p path) (member path created)))
             (jsonrpc-error "%s does not exist; nothing was changed" path)))))))))

(defun kimi--apply-workspace-edit (edit)
  "Apply the workspace EDIT from kimi-lsp; return the buffers it changed.
Open files are edited in their buffers (one undo step each). A file no
buffer visits is edited on disk, and so is a new one; a deleted file's
buffer is killed."
  (let ((operations (kimi--operations edit))
        changed)
    (kimi--check operations)
    (pcase-dolist (`(,kind ,path ,options ,version) operations)
      (pcase kind
        ('create
         (unless (and (file-exists-p path) (kimi--true (plist-get options :ignoreIfExists)))
           (make-directory (file-name-directory path) t)
           (write-region "" nil path nil 'silent)))
        ('delete
         (let ((buffer (find-buffer-visiting path)))
           (when buffer
             (with-current-buffer buffer (set-buffer-modified-p nil))
             (kill-buffer buffer)))
         (when (file-exists-p path) (delete-file path)))
        ('edit
         (let ((buffer (find-buffer-visiting path)))
           (if buffer
               (with-current-buffer buffer
                 (eglot--apply-text-edits options version)
                 (unless eglot--managed-mode (save-buffer))
                 (cl-pushnew buffer changed))
             (kimi--edit-file path options))))))
    changed))

(defun kimi--apply-text-edits-here (edits)
  "Apply the LSP EDITS to the current buffer (positions as they are before any)."
  (let ((regions (mapcar (lambda (edit)
                           (cons (eglot--range-region (plist-get edit :range) t)
                                 (plist-get edit :newText)))
                         edits)))
    (save-excursion
      (pcase-dolist (`((,beg . ,end) . ,text) (reverse regions))
        (goto-char beg)
        (delete-region beg end)
        (insert text)))))

(defun kimi--edit-file (path edits)
  "Apply EDITS to the file at PATH, which no buffer visits."
  (with-temp-buffer
    (let ((coding 'utf-8-unix))
      (when (file-exists-p path)
        (insert-file-contents path)
        (setq coding last-coding-system-used))
      (kimi--apply-text-edits-here (append edits nil))
      (let ((coding-system-for-write coding))
        (write-region nil nil path nil 'silent)))))

(provide 'kimi-eglot-rpc)
;;; kimi-eglot-rpc.el ends here
