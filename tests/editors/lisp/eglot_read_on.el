;;; eglot_read_on.el --- messages after a synchronous answer are read at once -*- lexical-binding: t; -*-
;; emacs --batch -Q -l eglot_read_on.el FILE, with kimi_lsp_fake_server.py as the server: it
;; answers kimi.usage and asks for an edit in the same write, then sends nothing more.

(load (expand-file-name "harness.el" (file-name-directory load-file-name)) nil t)

(setq eglot-server-programs
      `((python-mode ,(getenv "KIMI_TEST_PYTHON")
                     ,(expand-file-name "kimi_lsp_fake_server.py"
                                        (file-name-directory load-file-name)))))

(kimi-test-run
 (kimi-test-put 'usage (kimi-usage))
 (kimi-test-wait (lambda () (string-prefix-p "# edited\n" (kimi-test-text))) 10
                 "the edit sent with the answer")
 (kimi-test-put 'after (kimi-test-text)))
