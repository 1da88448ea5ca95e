;;; eglot_e2e.el --- editors/emacs/kimi-eglot.el in batch Emacs against the real server -*- lexical-binding: t; -*-
;; emacs --batch -Q -l eglot_e2e.el FILE; writes observations as JSON to $KIMI_TEST_OUT.

(require 'json)
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(load (getenv "KIMI_EGLOT_EL") nil t)

(defvar kimi-test-obs nil)
(defun kimi-test-put (key value) (push (cons key value) kimi-test-obs))
(defun kimi-test-write ()
  (with-temp-file (getenv "KIMI_TEST_OUT")
    (insert (json-encode kimi-test-obs))))
(defun kimi-test-wait (predicate seconds what)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (unless (funcall predicate)
      (kimi-test-put 'error (format "timed out waiting for %s" what))
      (kimi-test-write)
      (kill-emacs 1))))
(defun kimi-test-lines (n) (save-excursion (goto-char (point-min)) (forward-line n) (point)))

(condition-case err
    (progn
      (find-file (car command-line-args-left))
      (setq command-line-args-left nil)
      (apply #'eglot (eglot--guess-contact))
      (kimi-test-wait (lambda () (eglot-current-server)) 20 "eglot to connect")
      (kimi-test-put 'original (buffer-string))

      (kimi-explain (point-min) (kimi-test-lines 3))
      (kimi-test-wait (lambda () (get-buffer "*kimi-explain*")) 20 "the explanation")
      (kimi-test-put 'explained (with-current-buffer "*kimi-explain*" (buffer-string)))
      (kill-buffer "*kimi-explain*")

      ;; The "Kimi: Explain" code action runs eglot-execute-command: shown all the same.
      (eglot-execute-command (eglot--current-server-or-lose) "kimi.explain"
                             (kimi--argument (kimi-test-lines 5) (kimi-test-lines 6)))
      (kimi-test-wait (lambda () (get-buffer "*kimi-explain*")) 20 "the code action explanation")
      (kimi-test-put 'action_explained (with-current-buffer "*kimi-explain*" (buffer-string)))

      (let (status)
        (kimi--execute "kimi.refactor"
                       (kimi--argument (kimi-test-lines 5) (point-max) :instruction "use an f-string")
                       (lambda (result) (setq status (plist-get result :status))))
        (kimi-test-wait (lambda () status) 20 "the refactor")
        (kimi-test-put 'refactor_status status))
      (kimi-test-put 'after_refactor (buffer-string))

      ;; What a code action runs: a synchronous eglot-execute-command.
      (kimi-test-put 'preset_status
                     (plist-get (eglot-execute-command
                                 (eglot--current-server-or-lose) "kimi.refactor"
                                 (kimi--argument (point-min) (kimi-test-lines 3)
                                                 :preset "docstring"))
                                :status))
      (kimi-test-put 'after_preset (buffer-string))
      (kimi-test-put 'undo_status (plist-get (kimi-undo) :status))
      (kimi-test-put 'after_undo (buffer-string))
      ;; The "Kimi: Refactor..." action (instruction null): kimi-eglot.el asks for one.
      (cl-letf (((symbol-function 'read-string) (lambda (&rest _) "rename the parameter")))
        (kimi-test-put 'ask_status
                       (plist-get (eglot-execute-command
                                   (eglot--current-server-or-lose) "kimi.refactor"
                                   (kimi--argument (kimi-test-lines 5) (point-max)
                                                   :instruction nil))
                                  :status)))
      (kimi-test-put 'after_ask (buffer-string))
      (kimi-test-put 'usage (kimi-usage))
      (kimi-test-write)
      (eglot-shutdown (eglot-current-server))
      (kill-emacs 0))
  (error
   (kimi-test-put 'error (format "%S" err))
   (kimi-test-write)
   (kill-emacs 1)))
