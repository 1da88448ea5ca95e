;;; harness.el --- helpers for the eglot tests in batch Emacs -*- lexical-binding: t; -*-
;; Loaded by each script: loads editors/emacs/kimi-eglot.el ($KIMI_EGLOT_EL), opens the file
;; named on the command line with eglot, records observations and writes them as JSON to
;; $KIMI_TEST_OUT. A script runs its steps inside `kimi-test-run'.

(require 'json)
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))
(load (getenv "KIMI_EGLOT_EL") nil t)

(defvar kimi-test-obs nil)
(defvar kimi-test-answers nil
  "What kimi-eglot's commands answered, newest first: (COMMAND RESULT ERROR).")
(add-hook 'kimi-command-finished-functions
          (lambda (command result error) (push (list command result error) kimi-test-answers)))

(defun kimi-test-put (key value) (push (cons key value) kimi-test-obs))
(defun kimi-test-write ()
  (with-temp-file (getenv "KIMI_TEST_OUT")
    (insert (json-encode kimi-test-obs))))
(defun kimi-test-fail (why)
  (kimi-test-put 'error why)
  (kimi-test-write)
  (kill-emacs 1))
(defun kimi-test-wait (predicate seconds what)
  "Serve processes until PREDICATE holds; fail naming WHAT after SECONDS."
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall predicate)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or (funcall predicate)
        (kimi-test-fail (format "timed out waiting for %s" what)))))
(defmacro kimi-test-answer-to (command &rest body)
  "Run BODY, then wait for the answer to COMMAND it causes; return its result."
  `(let ((seen (length kimi-test-answers)) found)
     ,@body
     (kimi-test-wait (lambda ()
                       (setq found (cl-find ,command (butlast kimi-test-answers seen)
                                            :key #'car :test #'equal)))
                     30 (format "the answer to %s" ,command))
     (when (nth 2 found)
       (kimi-test-fail (format "%s answered %S" ,command (nth 2 found))))
     (nth 1 found)))
(defun kimi-test-lines (n)
  "The position of the start of line N (0-based)."
  (save-excursion (goto-char (point-min)) (forward-line n) (point)))
(defun kimi-test-text () (buffer-substring-no-properties (point-min) (point-max)))

(defun kimi-test-code-action (title beg end)
  "Choose the code action TITLE between BEG and END as a user does (M-x
eglot-code-actions, then pick it from the menu)."
  (let ((last-nonmenu-event ?a))        ; a keyboard event: eglot asks with completing-read
    (cl-letf (((symbol-function 'completing-read)
               (lambda (_prompt items &rest _)
                 (kimi-test-put 'menu (vconcat (mapcar #'car items)))
                 (or (car (assoc title items))
                     (kimi-test-fail (format "no code action %S in %S" title
                                             (mapcar #'car items)))))))
      (eglot-code-actions beg end nil t))))

(defun kimi-test-faces ()
  "The faces of the proposal overlays of this buffer, with the text under each."
  (vconcat (cl-loop for overlay in (overlays-in (point-min) (point-max))
           when (overlay-get overlay 'kimi-proposal)
           collect (vector (format "%s" (or (overlay-get overlay 'face) "header"))
                         (buffer-substring-no-properties (overlay-start overlay)
                                                         (overlay-end overlay))
                         (or (overlay-get overlay 'before-string) "")))))

(defmacro kimi-test-run (&rest body)
  "Open the file, connect eglot, run BODY, write the observations and exit."
  `(condition-case err
       (progn
         (find-file (car command-line-args-left))
         (setq command-line-args-left nil)
         (apply #'eglot (eglot--guess-contact))
         (kimi-test-wait (lambda () (eglot-current-server)) 20 "eglot to connect")
         (kimi-test-put 'original (kimi-test-text))
         ,@body
         (kimi-test-write)
         (eglot-shutdown (eglot-current-server))
         (kill-emacs 0))
     (error
      (kimi-test-fail (format "%S" err)))))

(provide 'harness)
;;; harness.el ends here
