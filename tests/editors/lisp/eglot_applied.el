;;; eglot_applied.el --- a rewrite applied at once (kimi.edits.review = false) -*- lexical-binding: t; -*-
;; emacs --batch -Q -l eglot_applied.el FILE (see harness.el).

(load (expand-file-name "harness.el" (file-name-directory load-file-name)) nil t)

(kimi-test-run
 (kimi-test-put 'refactor_status
                (plist-get (kimi-test-answer-to "kimi.refactor"
                             (kimi-refactor (kimi-test-lines 5) (point-max) "use an f-string"))
                           :status))
 (kimi-test-put 'after_refactor (kimi-test-text))
 (kimi-test-put 'faces (kimi-test-faces))
 (kimi-test-put 'undo_status (plist-get (kimi-test-answer-to "kimi.undo" (kimi-undo)) :status))
 (kimi-test-put 'after_undo (kimi-test-text)))
