;;; eglot_cancel.el --- M-x kimi-cancel while a rewrite streams -*- lexical-binding: t; -*-
;; emacs --batch -Q -l eglot_cancel.el FILE (see harness.el).

(load (expand-file-name "harness.el" (file-name-directory load-file-name)) nil t)

(defun kimi-test-count (text)
  "How often TEXT occurs in the buffer."
  (save-excursion
    (goto-char (point-min))
    (let ((n 0)) (while (search-forward text nil t) (setq n (1+ n))) n)))

(kimi-test-run
 (kimi-refactor (kimi-test-lines 5) (point-max) "use an f-string")
 ;; The model stalls after the first proposed line: cancel then.
 (kimi-test-wait (lambda () (= (kimi-test-count "def greet(name):\n") 2)) 20
                 "the first proposed line")
 (kimi-test-put 'streaming_text (kimi-test-text))
 (let ((seen (length kimi-test-answers)))
   (kimi-test-put 'cancel_returned (format "%S" (kimi-cancel)))
   ;; It only sent the request: nothing has answered yet.
   (kimi-test-put 'answered_when_returned (length (butlast kimi-test-answers seen))))
 (kimi-test-wait (lambda () (assoc "kimi.refactor" kimi-test-answers)) 20
                 "the rewrite to answer")
 (kimi-test-wait (lambda () (assoc "kimi.cancel" kimi-test-answers)) 20
                 "kimi.cancel to answer")
 (kimi-test-put 'refactor_status (plist-get (nth 1 (assoc "kimi.refactor" kimi-test-answers))
                                            :status))
 (kimi-test-put 'cancelled (plist-get (nth 1 (assoc "kimi.cancel" kimi-test-answers))
                                      :cancelled))
 (kimi-test-wait (lambda () (equal (kimi-test-text) (cdr (assq 'original kimi-test-obs))))
                 20 "the original to be back")
 (kimi-test-put 'after_cancel (kimi-test-text))
 (kimi-test-put 'faces (kimi-test-faces)))
