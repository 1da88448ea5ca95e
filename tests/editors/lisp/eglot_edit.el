;;; eglot_edit.el --- M-x kimi-edit: a change across files reviewed in *kimi-edit* -*- lexical-binding: t; -*-
;; emacs --batch -Q -l eglot_edit.el FILE (see harness.el). FILE is api.py; cart.py next
;; to it is not open; the change creates tests/test_api.py.

(load (expand-file-name "harness.el" (file-name-directory load-file-name)) nil t)

(defun kimi-test-disk (name)
  "The text of the file NAME next to the test's file, or :none."
  (let ((path (expand-file-name name)))
    (if (file-exists-p path)
        (with-temp-buffer (insert-file-contents path) (buffer-string))
      "none")))

(kimi-test-run
 (let ((source (current-buffer)))
   ;; An unsaved line: Kimi works on the buffer, not on the file.
   (goto-char (point-max))
   (insert "# unsaved\n")
   (kimi-test-put 'edit_status
                  (plist-get (kimi-test-answer-to "kimi.edit"
                               (kimi-edit "rename total_price to order_total"))
                             :status))
   (kimi-test-put 'nothing_written (list (kimi-test-text) (kimi-test-disk "cart.py")
                                         (kimi-test-disk "tests/test_api.py")))
   (with-current-buffer "*kimi-edit*"
     (kimi-test-put 'review (buffer-substring-no-properties (point-min) (point-max)))
     (kimi-test-put 'review_mode (format "%s" major-mode))
     (kimi-test-put 'review_header (kimi--review-header))
     ;; C-c C-c in *kimi-edit* accepts the whole change.
     (kimi-test-put 'accept_status
                    (plist-get (kimi-test-answer-to "kimi.accept"
                                 (call-interactively (key-binding (kbd "C-c C-c"))))
                               :status))
     (kimi-test-wait (lambda () (equal (plist-get kimi--review :state) "applied")) 10
                     "the review to say applied")
     (kimi-test-put 'applied_header (kimi--review-header)))
   (kimi-test-put 'accepted (list (with-current-buffer source (kimi-test-text))
                                  (kimi-test-disk "cart.py")
                                  (kimi-test-disk "tests/test_api.py")))
   ;; C-c C-u there undoes it: every file back, the new one gone.
   (with-current-buffer "*kimi-edit*"
     (kimi-test-put 'undo_status
                    (plist-get (kimi-test-answer-to "kimi.undo"
                                 (call-interactively (key-binding (kbd "C-c C-u"))))
                               :status)))
   (kimi-test-put 'undone (list (with-current-buffer source (kimi-test-text))
                                (kimi-test-disk "cart.py")
                                (kimi-test-disk "tests/test_api.py")))
   ;; A second change, rejected with M-x kimi-reject from the source buffer.
   (kimi-test-answer-to "kimi.edit" (kimi-edit "rename total_price to grand_total"))
   (kimi-test-put 'reject_status
                  (plist-get (kimi-test-answer-to "kimi.reject" (kimi-reject)) :status))
   (kimi-test-put 'rejected (list (with-current-buffer source (kimi-test-text))
                                  (kimi-test-disk "cart.py")
                                  (kimi-test-disk "tests/test_api.py")))))
