;;; kimi-eglot-review.el --- reviewing kimi-lsp's proposals in Emacs  -*- lexical-binding: t; -*-

;; Part of kimi-eglot.el (load that file; it loads this one).
;; - A rewrite (kimi-refactor, a code action) streams in as proposed lines above the
;;   untouched original: drawn from kimi-lsp's `kimi/proposal' notifications, the proposed
;;   lines in `kimi-proposed', the original in `kimi-original', with a header line naming
;;   the keys. Inside it, C-c C-c accepts and C-c C-k rejects.
;; - A change across files (kimi-edit) is shown in *kimi-edit*, a diff of every file it
;;   touches; C-c C-c accepts it all, C-c C-k rejects it, C-c C-u undoes it once accepted.
;; - `kimi-accept', `kimi-reject' and `kimi-undo' act on the proposal at hand.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'diff)
(require 'diff-mode)
(require 'eglot)
(require 'kimi-eglot-rpc)

(defface kimi-proposed '((t :inherit diff-added))
  "The lines Kimi proposes, while they wait for review."
  :group 'eglot)

(defface kimi-original '((t :inherit diff-removed))
  "The original lines a Kimi proposal would replace."
  :group 'eglot)

(defface kimi-proposal-header '((t :inherit diff-header))
  "The line above a Kimi proposal that names the keys."
  :group 'eglot)

(defvar kimi-proposal-map
  (let ((map (make-sparse-keymap)))
    (define-key map (kbd "C-c C-c") #'kimi-accept)
    (define-key map (kbd "C-c C-k") #'kimi-reject)
    map)
  "Keys active while point is in a Kimi proposal.")

(defvar-local kimi--proposal nil
  "The rewrite proposal of this buffer, from kimi-lsp.
A plist (:id ID :state STATE :kind KIND).")

(defvar-local kimi--overlays nil
  "The overlays that draw this buffer's proposal.")

(defvar kimi--change nil
  "The last change across files (kimi-edit): (:id ID :state STATE :server SERVER).")

(defconst kimi--pending-states '("streaming" "proposed" "stopped"))

;;; A rewrite, drawn from kimi/proposal

(cl-defmethod eglot-handle-notification
  (_server (_method (eql kimi/proposal))
           &key uri proposalId kind state version proposed original message
           &allow-other-keys)
  "Draw a Kimi proposal, or take it away once it is decided."
  (kimi--safely
   (if (equal kind "edit")
       (kimi--change-state proposalId state message)
     (let ((buffer (and uri (find-buffer-visiting (eglot--uri-to-path uri)))))
       (when buffer
         (with-current-buffer buffer
           (setq kimi--proposal (list :id proposalId :state state :kind kind))
           (cond
            ((not (member state kimi--pending-states)) (kimi--clear-overlays))
            ;; Ranges are at VERSION: when the buffer is newer, keep the overlays, which
            ;; moved with the text; the next notification draws them again.
            ((equal version eglot--versioned-identifier)
             (kimi--draw-proposal state proposed original)))))))))

(defun kimi--clear-overlays ()
  "Take this buffer's proposal overlays away."
  (mapc #'delete-overlay kimi--overlays)
  (setq kimi--overlays nil))

(defun kimi--header (state)
  "The line shown above a proposal in STATE."
  (propertize
   (pcase state
     ("streaming" "Kimi is writing… C-c C-k stops it and removes what it wrote.\n")
     ("stopped" "Kimi stopped before the change was whole: C-c C-k removes it.\n")
     (_ "Kimi proposes this change: C-c C-c accepts it, C-c C-k rejects it.\n"))
   'face 'kimi-proposal-header))

(defun kimi--draw-proposal (state proposed original)
  "Draw the PROPOSED range over the ORIGINAL one, for a proposal in STATE."
  (kimi--clear-overlays)
  (pcase-let ((`(,pb . ,pe) (eglot--range-region proposed))
              (`(,ob . ,oe) (eglot--range-region original)))
    (let ((header (make-overlay pb pb nil t nil))
          (new (make-overlay pb pe nil nil nil))
          (old (make-overlay ob oe nil nil nil)))
      (overlay-put header 'before-string (kimi--header state))
      (overlay-put new 'face 'kimi-proposed)
      (overlay-put old 'face 'kimi-original)
      (dolist (overlay (list header new old))
        (overlay-put overlay 'kimi-proposal t)
        (overlay-put overlay 'keymap kimi-proposal-map))
      (setq kimi--overlays (list header new old)))))

;;; A change across files, shown as a diff

(defvar-local kimi--review nil
  "The change a *kimi-edit* buffer shows: (:id ID :state STATE :files N).")

(define-derived-mode kimi-review-mode diff-mode "Kimi-Review"
  "A change across files proposed by Kimi.
\\<kimi-review-mode-map>\\[kimi-accept] accepts it all, \\[kimi-reject] rejects it,
and \\[kimi-undo] puts every file back once it was accepted."
  (setq buffer-read-only t)
  (setq header-line-format '(:eval (kimi--review-header))))

(define-key kimi-review-mode-map (kbd "C-c C-c") #'kimi-accept)
(define-key kimi-review-mode-map (kbd "C-c C-k") #'kimi-reject)
(define-key kimi-review-mode-map (kbd "C-c C-u") #'kimi-undo)

(defun kimi--review-header ()
  "The header line of a *kimi-edit* buffer."
  (let ((files (plist-get kimi--review :files)))
    (pcase (plist-get kimi--review :state)
      ("proposed"
       (format "Kimi proposes a change to %d file%s: C-c C-c accepts it, C-c C-k rejects it."
               files (if (= files 1) "" "s")))
      ("applied" "Kimi's change was applied: C-c C-u puts every file back.")
      ("undone" "Kimi's change was undone.")
      ("rejected" "Kimi's change was rejected: nothing was changed.")
      (state (format "Kimi's change: %s." state)))))

(defun kimi--file-text (path)
  "The text of PATH as it is now: its buffer's, or the file's, or empty."
  (let ((buffer (find-buffer-visiting path)))
    (cond (buffer (with-current-buffer buffer
                    (save-restriction (widen) (buffer-substring-no-properties
                                               (point-min) (point-max)))))
          ((file-exists-p path) (with-temp-buffer (insert-file-contents path) (buffer-string)))
          (t ""))))

(defun kimi--diff (old new old-label new-label)
  "The unified diff from the text OLD to the text NEW.
The two sides are labelled OLD-LABEL and NEW-LABEL."
  (let ((a (make-temp-file "kimi-old")) (b (make-temp-file "kimi-new")))
    (unwind-protect
        (let ((coding-system-for-write 'utf-8-unix)
              (coding-system-for-read 'utf-8-unix))
          (write-region old nil a nil 'silent)
          (write-region new nil b nil 'silent)
          (with-temp-buffer
            (call-process diff-command nil t nil "-u" "--label" old-label
                          "--label" new-label a b)
            (buffer-string)))
      (delete-file a)
      (delete-file b))))

(defun kimi--file-diff (file root)
  "The diff of one FILE of a kimi.edit answer ({uri, kind, edits}).
Its name is relative to ROOT."
  (let* ((path (eglot--uri-to-path (plist-get file :uri)))
         (name (file-relative-name path root))
         (create (equal (plist-get file :kind) "create"))
         (old (if create "" (kimi--file-text path)))
         (new (with-temp-buffer
                (insert old)
                (kimi--apply-text-edits-here (append (plist-get file :edits) nil))
                (buffer-string))))
    (kimi--diff old new (if create "/dev/null" (concat "a/" name)) (concat "b/" name))))

(defun kimi--show-change (server result)
  "Show the change across files of the kimi.edit RESULT in *kimi-edit*.
SERVER is the kimi-lsp server that proposed it."
  (let ((files (append (plist-get result :files) nil))
        (root (project-root (eglot--project server)))
        (buffer (get-buffer-create "*kimi-edit*")))
    (setq kimi--change (list :id (plist-get result :proposalId) :state "proposed"
                             :server server))
    (with-current-buffer buffer
      (let ((inhibit-read-only t))
        (erase-buffer)
        (kimi-review-mode)
        (setq kimi--server server)
        (setq kimi--review (list :id (plist-get result :proposalId) :state "proposed"
                                 :files (length files)))
        (when-let ((summary (plist-get result :message)))
          (insert "Kimi: " (string-trim summary) "\n\n"))
        (dolist (file files)
          (insert (kimi--file-diff file root))))
      (goto-char (point-min)))
    (display-buffer buffer)
    buffer))

(defun kimi--change-state (id state _message)
  "The change across files ID is now in STATE."
  (when (equal id (plist-get kimi--change :id))
    (setq kimi--change (plist-put kimi--change :state state)))
  (let ((buffer (get-buffer "*kimi-edit*")))
    (when buffer
      (with-current-buffer buffer
        (when (equal id (plist-get kimi--review :id))
          (setq kimi--review (plist-put kimi--review :state state))
          (force-mode-line-update))))))

;;; Accept, reject, undo

(defun kimi--uri ()
  "The URI of the current buffer's file."
  (plist-get (eglot--TextDocumentIdentifier) :uri))

(defun kimi--target (command)
  "What COMMAND (kimi.accept, kimi.reject or kimi.undo) acts on here.
A cons (SERVER . ARGUMENT): the change shown in a *kimi-edit* buffer; else
this buffer's rewrite; else the last change across files, if it is in the
right state; else whatever kimi-lsp finds for this buffer's file."
  (let ((want (if (equal command "kimi.undo") '("applied") kimi--pending-states)))
    (cond
     ((derived-mode-p 'kimi-review-mode)
      (cons kimi--server (list :proposalId (plist-get kimi--review :id))))
     ((and kimi--proposal (member (plist-get kimi--proposal :state) want))
      (cons (kimi--current-server) (list :uri (kimi--uri))))
     ((and kimi--change (member (plist-get kimi--change :state) want))
      (cons (plist-get kimi--change :server) (list :proposalId (plist-get kimi--change :id))))
     (t (cons (kimi--current-server) (list :uri (kimi--uri)))))))

(defun kimi--decided (command result)
  "Say what COMMAND did, from its RESULT."
  (let ((files (length (plist-get result :files))))
    (pcase command
      ("kimi.accept"
       (if (> files 0)
           (kimi-say "the change was applied to %d file%s; M-x kimi-undo puts them back."
                     files (if (= files 1) "" "s"))
         (kimi-say "the change was applied; M-x kimi-undo puts the original back.")))
      ("kimi.reject" (kimi-say "the change was rejected; nothing was changed."))
      ("kimi.undo" (kimi-say "the change was undone.")))))

(defun kimi--decide (command)
  "Run COMMAND (kimi.accept, kimi.reject or kimi.undo) on the proposal at hand."
  (pcase-let ((`(,server . ,argument) (kimi--target command)))
    (kimi-execute command (vector argument) :server server
                  :on-result (lambda (result) (kimi--decided command result)))))

(defun kimi-accept ()
  "Accept the Kimi change at hand.
That is this buffer's proposal, or the change shown in *kimi-edit*."
  (interactive)
  (kimi--decide "kimi.accept"))

(defun kimi-reject ()
  "Reject the Kimi change at hand; while Kimi is still writing, stop it."
  (interactive)
  (kimi--decide "kimi.reject"))

(defun kimi-undo ()
  "Put back what the last accepted Kimi change replaced.
For a change across files: every file, and the files it created are
deleted."
  (interactive)
  (kimi--decide "kimi.undo"))

(provide 'kimi-eglot-review)
;;; kimi-eglot-review.el ends here
