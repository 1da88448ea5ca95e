;;; readme_e2e.el --- the init.el of editors/emacs/README.md in batch Emacs -*- lexical-binding: t; -*-
;; emacs --batch -l init.el -l readme_e2e.el FILE, without -Q (Debian's site-start activates
;; elpa-eglot, as for a user). Writes observations as JSON to $KIMI_TEST_OUT.

(require 'json)
(defvar kimi-test-obs nil)
(defun kimi-test-put (key value) (push (cons key value) kimi-test-obs))
(defun kimi-test-write ()
  (with-temp-file (getenv "KIMI_TEST_OUT") (insert (json-encode kimi-test-obs))))
(defun kimi-test-wait (predicate seconds what)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless (funcall predicate)
      (kimi-test-put 'error (format "timed out waiting for %s" what))
      (kimi-test-write)
      (kill-emacs 1))))

(condition-case err
    (progn
      (find-file (car command-line-args-left))
      (setq command-line-args-left nil)
      (setq eglot-confirm-server-initiated-edits nil)
      (kimi-test-put 'eglot_loaded_before (featurep 'eglot))
      (require 'eglot)
      (kimi-test-put 'program (format "%S" (cdr (assoc '(python-mode python-ts-mode)
                                                         eglot-server-programs))))
      (apply #'eglot (eglot--guess-contact))
      (kimi-test-wait (lambda () (eglot-current-server)) 20 "eglot to connect")
      (kimi-test-put 'server (plist-get (eglot--server-info (eglot-current-server)) :name))
      (kimi-test-put 'requests
                     (plist-get (eglot-execute-command (eglot--current-server-or-lose)
                                                       "kimi.usage" [])
                                :requests))
      (when (fboundp 'kimi-explain)
        (kimi-explain (point-min) (save-excursion (goto-char (point-min)) (forward-line 3) (point)))
        (kimi-test-wait (lambda () (get-buffer "*kimi-explain*")) 20 "the explanation")
        (kimi-test-put 'explained (with-current-buffer "*kimi-explain*" (buffer-string))))
      (kimi-test-write)
      (eglot-shutdown (eglot-current-server))
      (kill-emacs 0))
  (error
   (kimi-test-put 'error (format "%S" err))
   (kimi-test-write)
   (kill-emacs 1)))
