;;; kimi-eglot.el --- kimi-lsp in Emacs through eglot  -*- lexical-binding: t; -*-

;; Load this file from your init file (or copy what you need); it comes with the server:
;;   (load (expand-file-name "kimi-eglot.el"
;;                           (car (process-lines "kimi-lsp" "--editor-path" "emacs"))))
;; then M-x eglot in a Python buffer, select code and M-x kimi-explain, kimi-refactor or
;; kimi-edit. Its two companions, kimi-eglot-rpc.el and kimi-eglot-review.el, sit next to
;; it and are loaded from there. Tested with Emacs 28.2 and eglot 1.9 (Debian's
;; elpa-eglot). See editors/emacs/README.md.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'eglot)

(let ((here (file-name-directory (or load-file-name buffer-file-name default-directory))))
  (add-to-list 'load-path (directory-file-name here)))
(require 'kimi-eglot-rpc)
(require 'kimi-eglot-review)

(add-to-list 'eglot-server-programs '((python-mode python-ts-mode) "kimi-lsp"))

(defconst kimi--async-commands
  '("kimi.explain" "kimi.refactor" "kimi.fix" "kimi.edit" "kimi.accept" "kimi.reject"
    "kimi.undo" "kimi.cancel")
  "The commands kimi-eglot runs without blocking Emacs, wherever they come from.")

;; Code actions run their command with `eglot-execute-command', a synchronous request
;; that gives up after 10 s, while a rewrite answers only when the model has finished.
;; For kimi-lsp, run these commands asynchronously instead: the result is shown when it
;; comes, and "Kimi: Refactor..." asks for its instruction (eglot 1.9 does not advertise
;; `window/showMessageRequest', so the server could not offer its presets).
(cl-defmethod eglot-execute-command :around (server command arguments)
  (let ((name (format "%s" command)))
    (if (and (member name kimi--async-commands) (kimi-server-p server))
        (kimi--run server name arguments)
      (cl-call-next-method))))

(defun kimi--run (server command arguments)
  "Run the kimi-lsp COMMAND with ARGUMENTS on SERVER without blocking.
Its result is shown when it comes."
  (let ((arg (and (vectorp arguments) (= (length arguments) 1) (aref arguments 0))))
    (if (and (equal command "kimi.refactor") (consp arg)
             (null (plist-get arg :instruction)) (null (plist-get arg :preset)))
        (let ((instruction (string-trim (read-string "Kimi refactor: "))))
          (if (string-empty-p instruction)
              (kimi-say "no instruction, nothing was sent.")
            (kimi--run server command
                       (vector (plist-put (copy-sequence arg) :instruction instruction)))))
      (when (member command '("kimi.refactor" "kimi.fix"))
        (kimi-say "writing the change (M-x kimi-cancel stops it)."))
      (kimi-execute command arguments :server server
                    :on-result (lambda (result) (kimi--show-result server command result))))))

(defun kimi--show-result (server command result)
  "Show what the kimi-lsp COMMAND (run on SERVER) answered: RESULT."
  (pcase command
    ("kimi.explain" (kimi--show-explanation result))
    ((or "kimi.refactor" "kimi.fix") (kimi--rewritten result))
    ("kimi.edit" (kimi--edited server result))
    ((or "kimi.accept" "kimi.reject" "kimi.undo") (kimi--decided command result))
    ("kimi.cancel"
     (let ((stopped (or (plist-get result :cancelled) 0)))
       (if (> stopped 0)
           (kimi-say "stopped %d command%s." stopped (if (= stopped 1) "" "s"))
         (kimi-say "nothing was running."))))))

(defun kimi--rewritten (result)
  "Say how a rewrite ended, from its RESULT."
  (let ((status (plist-get result :status))
        (why (plist-get result :message)))
    (pcase status
      ("proposed"
       (kimi-say "the change is ready. Accept it with C-c C-c in it (M-x kimi-accept), \
reject it with C-c C-k (M-x kimi-reject)."))
      ("applied" (kimi-say "the change was applied; M-x kimi-undo puts the original back."))
      ("cancelled" (kimi-say "the rewrite was cancelled; the original is as it was."))
      (_ (kimi-say "%s" (or why (format "the rewrite ended: %s." status)))))))

(defun kimi--edited (server result)
  "Show the change across files of a kimi.edit RESULT from SERVER, or say why none."
  (pcase (plist-get result :status)
    ("proposed"
     (kimi--show-change server result)
     (kimi-say "the change is in *kimi-edit*: C-c C-c there accepts it, C-c C-k rejects it."))
    ("applied" (kimi-say "the change was applied; M-x kimi-undo puts every file back."))
    ("unchanged" (kimi-say "%s" (string-trim (concat "nothing to change. "
                                                    (or (plist-get result :message) "")))))
    ("cancelled" (kimi-say "the change was cancelled; nothing was changed."))
    (status (kimi-say "%s" (or (plist-get result :message)
                               (format "the change ended: %s." status))))))

(defun kimi--argument (beg end &rest more)
  "The command argument {uri, range, MORE...} for the text between BEG and END."
  (vector (append (list :uri (kimi--uri)
                        :range (list :start (eglot--pos-to-lsp-position beg)
                                     :end (eglot--pos-to-lsp-position end)))
                  more)))

(defun kimi--region ()
  "The active region, or the current line."
  (if (use-region-p)
      (list (region-beginning) (region-end))
    (list (line-beginning-position) (line-beginning-position 2))))

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
  (kimi-say "explaining (M-x kimi-cancel stops it).")
  (kimi--run (kimi--current-server) "kimi.explain" (kimi--argument beg end)))

(defun kimi-refactor (beg end instruction)
  "Rewrite the text between BEG and END as INSTRUCTION says.
The new code streams in above the original as a proposal to accept or reject."
  (interactive (append (kimi--region) (list (read-string "Kimi refactor: "))))
  (kimi--run (kimi--current-server) "kimi.refactor"
             (kimi--argument beg end :instruction instruction)))

(defun kimi--diagnostics (beg end)
  "The diagnostics Flymake shows between BEG and END, as LSP diagnostics."
  (vconcat
   (mapcar (lambda (diagnostic)
             (let ((type (flymake-diagnostic-type diagnostic)))
               (list :range (list :start (eglot--pos-to-lsp-position
                                          (flymake-diagnostic-beg diagnostic))
                                  :end (eglot--pos-to-lsp-position
                                        (flymake-diagnostic-end diagnostic)))
                     :severity (cond ((memq type '(:error eglot-error)) 1)
                                     ((memq type '(:warning eglot-warning)) 2)
                                     (t 3))
                     :message (flymake-diagnostic-text diagnostic))))
           (flymake-diagnostics beg end))))

(defun kimi-fix (beg end)
  "Fix the problems Flymake shows between BEG and END.
Interactively, the region or the current line. The fix streams in as a
proposal, as with `kimi-refactor'."
  (interactive (kimi--region))
  (let ((diagnostics (kimi--diagnostics beg end)))
    (if (= (length diagnostics) 0)
        (kimi-say "there is no problem to fix here; M-x kimi-refactor says what to change.")
      (kimi--run (kimi--current-server) "kimi.fix"
                 (kimi--argument beg end :diagnostics diagnostics)))))

(defun kimi-edit (instruction &optional beg end)
  "Ask Kimi for a change across files that does INSTRUCTION.
The region (BEG and END), or point, tells Kimi where you are. The
proposal opens in *kimi-edit* as a diff of every file; nothing is written
until you accept it."
  (interactive (append (list (read-string "Kimi edit: "))
                       (if (use-region-p) (list (region-beginning) (region-end))
                         (list (point) (point)))))
  (let ((instruction (string-trim instruction)))
    (if (string-empty-p instruction)
        (kimi-say "no instruction, nothing was sent.")
      (kimi-say "working on the change (M-x kimi-cancel stops it).")
      (kimi--run (kimi--current-server) "kimi.edit"
                 (if (and beg end eglot--managed-mode)
                     (kimi--argument beg end :instruction instruction)
                   (vector (list :instruction instruction)))))))

(defun kimi-cancel ()
  "Stop the Kimi commands running for this buffer (without waiting for them)."
  (interactive)
  (kimi--run (kimi--current-server) "kimi.cancel" (vector (list :uri (kimi--uri)))))

(defun kimi-usage ()
  "Show the session's requests, tokens and cost."
  (interactive)
  (let* ((usage (eglot-execute-command (kimi--current-server) "kimi.usage" []))
         (cost (plist-get usage :costUsd)))
    (kimi-say "%s requests, %s prompt + %s completion tokens, cost %s."
              (plist-get usage :requests) (plist-get usage :promptTokens)
              (plist-get usage :completionTokens)
              (or (and (stringp (plist-get usage :cost)) (plist-get usage :cost))
                  (if (numberp cost) (format "$%.4f" cost) "unknown")))))

(provide 'kimi-eglot)
;;; kimi-eglot.el ends here
