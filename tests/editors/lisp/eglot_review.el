;;; eglot_review.el --- explain, and rewrites reviewed through eglot's code actions -*- lexical-binding: t; -*-
;; emacs --batch -Q -l eglot_review.el FILE (see harness.el).

(load (expand-file-name "harness.el" (file-name-directory load-file-name)) nil t)

(kimi-test-run
 (kimi-explain (point-min) (kimi-test-lines 3))
 (kimi-test-wait (lambda () (get-buffer "*kimi-explain*")) 20 "the explanation")
 (kimi-test-put 'explained (with-current-buffer "*kimi-explain*" (buffer-string)))
 (kill-buffer "*kimi-explain*")

 ;; The "Kimi: Explain" code action runs eglot-execute-command: shown all the same.
 (eglot-execute-command (eglot--current-server-or-lose) "kimi.explain"
                        (kimi--argument (kimi-test-lines 5) (kimi-test-lines 6)))
 (kimi-test-wait (lambda () (get-buffer "*kimi-explain*")) 20 "the code action explanation")
 (kimi-test-put 'action_explained (with-current-buffer "*kimi-explain*" (buffer-string)))

 ;; M-x kimi-refactor: the proposal streams in above the original and waits.
 (let ((result (kimi-test-answer-to "kimi.refactor"
                 (kimi-refactor (kimi-test-lines 5) (point-max) "use an f-string"))))
   (kimi-test-put 'refactor_status (plist-get result :status)))
 (kimi-test-wait (lambda () (equal (plist-get kimi--proposal :state) "proposed"))
                 10 "the proposal to be drawn")
 (kimi-test-put 'proposed_text (kimi-test-text))
 (kimi-test-put 'proposed_faces (kimi-test-faces))
 (kimi-test-put 'accept_key
                (format "%s" (lookup-key (get-char-property (kimi-test-lines 5) 'keymap)
                                         (kbd "C-c C-c"))))

 ;; Accept through eglot's code actions (M-x eglot-code-actions, "Kimi: Accept change").
 (kimi-test-put 'accept_status
                (plist-get (kimi-test-answer-to "kimi.accept"
                             (kimi-test-code-action "Kimi: Accept change"
                                                    (kimi-test-lines 5) (kimi-test-lines 6)))
                           :status))
 (kimi-test-put 'accept_menu (cdr (assq 'menu kimi-test-obs)))
 (kimi-test-put 'after_accept (kimi-test-text))
 (kimi-test-wait (lambda () (equal (kimi-test-faces) [])) 10 "the overlays to go")
 (kimi-test-put 'undo_status (plist-get (kimi-test-answer-to "kimi.undo" (kimi-undo)) :status))
 (kimi-test-put 'after_undo (kimi-test-text))

 ;; A rewrite chosen from the code actions outlives eglot's request timeout (shortened
 ;; here to 3 s; 10 s by default): it runs without blocking, and is then rejected through
 ;; the "Kimi: Reject change" code action.
 (setq jsonrpc-default-request-timeout 3)
 (kimi-test-put 'preset_status
                (plist-get (kimi-test-answer-to "kimi.refactor"
                             (kimi-test-code-action "Kimi: Add docstring"
                                                    (point-min) (kimi-test-lines 3)))
                           :status))
 (kimi-test-put 'preset_text (kimi-test-text))
 (kimi-test-put 'reject_status
                (plist-get (kimi-test-answer-to "kimi.reject"
                             (kimi-test-code-action "Kimi: Reject change"
                                                    (point-min) (kimi-test-lines 1)))
                           :status))
 (kimi-test-put 'after_reject (kimi-test-text))
 (setq jsonrpc-default-request-timeout 10)

 ;; "Kimi: Refactor..." asks for the instruction; C-c C-c in the proposal accepts it.
 (cl-letf (((symbol-function 'read-string) (lambda (&rest _) "rename the parameter")))
   (kimi-test-put 'ask_status
                  (plist-get (kimi-test-answer-to "kimi.refactor"
                               (kimi-test-code-action "Kimi: Refactor..."
                                                      (kimi-test-lines 5) (point-max)))
                             :status)))
 (kimi-test-wait (lambda () (equal (plist-get kimi--proposal :state) "proposed"))
                 10 "the second proposal to be drawn")
 (goto-char (kimi-test-lines 5))
 (kimi-test-answer-to "kimi.accept"
   (call-interactively (lookup-key (get-char-property (point) 'keymap) (kbd "C-c C-c"))))
 (kimi-test-put 'after_ask (kimi-test-text))
 (kimi-test-put 'usage (kimi-usage)))
