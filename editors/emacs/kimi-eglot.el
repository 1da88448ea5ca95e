;;; kimi-eglot.el --- kimi-lsp in Emacs through eglot  -*- lexical-binding: t; -*-

;; Load this file from your init file (or copy what you need); it comes with the server:
;;   (load (expand-file-name "kimi-eglot.el"
;;                           (car (process-lines "kimi-lsp" "--editor-path" "emacs"))))
;; then M-x eglot in a Python buffer, select code and M-x kimi-explain or kimi-refactor.
;; Tested with Emacs 28.2 and eglot 1.9 (Debian's elpa-eglot).

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'eglot)

(add-to-list 'eglot-server-programs '((python-mode python-ts-mode) "kimi-lsp"))

;; kimi-lsp streams a rewrite into the buffer as many small edits: don't confirm each one.
(setq eglot-confirm-server-initiated-edits nil)

;; Report each applied edit at once. eglot sends `didChange' only when Emacs is idle, but
;; kimi-lsp waits for it before it sends the next streamed edit, so a command that blocks
;; (a code action run by `eglot-code-actions', or `eglot-execute-command') would stall.
(cl-defmethod eglot-handle-request :after
  (server (_method (eql workspace/applyEdit)) &rest _)
  (dolist (buffer (eglot--managed-buffers server))
    (with-current-buffer buffer
      (eglot--signal-textDocument/didChange))))

;; Code actions run their command through `eglot-execute-command'. For two of kimi-lsp's
;; commands that is not enough:
;; - "Kimi: Explain": eglot drops the result, so show it (and don't block Emacs meanwhile);
;; - "Kimi: Refactor..." sends no instruction: ask for one (eglot 1.9 does not advertise
;;   `window/showMessage', so the server cannot offer its presets and would refuse it).
(cl-defmethod eglot-execute-command :around (server command arguments)
  (let ((name (format "%s" command))
        (arg (and (vectorp arguments) (= (length arguments) 1) (aref arguments 0))))
    (cond
     ((equal name "kimi.explain")
      (kimi--execute "kimi.explain" arguments #'kimi--show-explanation server))
     ((and (equal name "kimi.refactor")
           (consp arg)
           (null (plist-get arg :instruction))
           (null (plist-get arg :preset)))
      (let ((instruction (read-string "Kimi refactor: ")))
        (if (string-empty-p (string-trim instruction))
            (message "Kimi: no instruction, nothing sent")
          (cl-call-next-method
           server command
           (vector (plist-put (copy-sequence arg) :instruction instruction))))))
     (t (cl-call-next-method)))))

(defun kimi--argument (beg end &rest more)
  "The command argument {uri, range, MORE...} for the text between BEG and END."
  (vector (append (list :uri (plist-get (eglot--TextDocumentIdentifier) :uri)
                        :range (list :start (eglot--pos-to-lsp-position beg)
                                     :end (eglot--pos-to-lsp-position end)))
                  more)))

(defun kimi--region ()
  "The active region, or the current line."
  (if (use-region-p)
      (list (region-beginning) (region-end))
    (list (line-beginning-position) (line-beginning-position 2))))

(defun kimi--execute (command argument on-result &optional server)
  "Run COMMAND with ARGUMENT without blocking Emacs; call ON-RESULT with its result.
A model call can take longer than the 10 s that `eglot-execute-command' waits."
  (jsonrpc-async-request
   (or server (eglot--current-server-or-lose)) :workspace/executeCommand
   `(:command ,command :arguments ,argument)
   :success-fn on-result
   :error-fn (lambda (err) (message "Kimi: %s" (plist-get err :message)))
   :timeout 600))

(defun kimi--show-explanation (result)
  "Show the markdown of a kimi.explain RESULT in *kimi-explain*."
  (with-current-buffer (get-buffer-create "*kimi-explain*")
    (let ((inhibit-read-only t))
      (erase-buffer)
      (insert (plist-get result :markdown)))
    (when (fboundp 'markdown-mode) (markdown-mode))
    (goto-char (point-min))
    (display-buffer (current-buffer))))

(defun kimi-explain (beg end)
  "Explain the text between BEG and END (the region, or the current line)."
  (interactive (kimi--region))
  (message "Kimi: explaining...")
  (kimi--execute "kimi.explain" (kimi--argument beg end) #'kimi--show-explanation))

(defun kimi-refactor (beg end instruction)
  "Rewrite the text between BEG and END as INSTRUCTION says."
  (interactive (append (kimi--region) (list (read-string "Kimi refactor: "))))
  (kimi--execute "kimi.refactor" (kimi--argument beg end :instruction instruction)
                 (lambda (result)
                   (message "Kimi: refactor %s" (plist-get result :status)))))

(defun kimi-undo ()
  "Put back what the last Kimi rewrite of this buffer replaced."
  (interactive)
  (eglot-execute-command (eglot--current-server-or-lose) "kimi.undo"
                         (vector (eglot--TextDocumentIdentifier))))

(defun kimi-cancel ()
  "Stop the Kimi commands running for this buffer."
  (interactive)
  (eglot-execute-command (eglot--current-server-or-lose) "kimi.cancel"
                         (vector (eglot--TextDocumentIdentifier))))

(defun kimi-usage ()
  "Show the session's requests, tokens and cost."
  (interactive)
  (let* ((usage (eglot-execute-command (eglot--current-server-or-lose) "kimi.usage" []))
         (cost (plist-get usage :costUsd)))
    (message "Kimi: %s requests, %s prompt + %s completion tokens, cost %s"
             (plist-get usage :requests) (plist-get usage :promptTokens)
             (plist-get usage :completionTokens)
             (if (numberp cost) (format "$%.4f" cost) "unknown"))))

(provide 'kimi-eglot)
;;; kimi-eglot.el ends here
