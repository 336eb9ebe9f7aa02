"""The import graph: every module of spinfix sits in a layer, a layer imports only from layers
below it (or itself), modules import each other without cycles, and a function imports a
module only in the command line and the public API, for start-up time, with its reason."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "spinfix"
LAYERS = [  # lowest first: a module may import from its own layer and the ones before it
    ["spinfix._version", "spinfix.errors", "spinfix.collector", "spinfix.schema", "spinfix.wording"],
    ["spinfix.persist"],
    ["spinfix.text"],
    ["spinfix.judge"],
    ["spinfix.alignment"],
    ["spinfix.dictionary"],
    ["spinfix.detection"],
    ["spinfix.restoration"],
    ["spinfix.corpus"],
    ["spinfix.reports"],
    ["spinfix.training"],
    ["spinfix.api", "spinfix"],  # spinfix: the package's __init__, which names the API lazily
    ["spinfix.cli", "spinfix.__main__"],
]
LOCAL_IMPORTS_ALLOWED = ("spinfix.cli", "spinfix.api", "spinfix")  # start-up time: the entry points


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(name: str) -> int:
    best = None
    for k, layer in enumerate(LAYERS):
        for prefix in layer:
            if name == prefix or name.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (k, len(prefix))
    assert best is not None, f"{name} is in no layer: add it to LAYERS"
    return best[0]


def imports(name: str, path: Path) -> list[tuple[str, int, bool]]:
    """The spinfix modules ``name`` imports: (module, line, inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    known = modules()
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.rsplit(".", child.level - 1)[0] if child.level > 1 else package
                    target = f"{base}.{child.module}" if child.module else base
                else:
                    target = child.module or ""
                if target == "spinfix" or target.startswith("spinfix."):
                    for alias in child.names:  # `from . import cli` names a module
                        sub = f"{target}.{alias.name}"
                        found.append((sub if sub in known else target, child.lineno, in_function))
            elif isinstance(child, ast.Import):
                found.extend((a.name, child.lineno, in_function) for a in child.names if a.name.startswith("spinfix"))
            visit(child, inside)

    visit(tree, False)
    return found


def test_every_module_is_in_a_layer():
    for name in modules():
        layer_of(name)


def test_no_module_imports_from_a_higher_layer():
    upward = [f"{name} (layer {layer_of(name)}) imports {target} (layer {layer_of(target)}) at line {line}"
              for name, path in modules().items() for target, line, _ in imports(name, path)
              if layer_of(target) > layer_of(name)]
    assert not upward, "\n".join(upward)


def test_the_import_graph_has_no_cycles():
    known = modules()
    graph = {name: {t for t, _, _ in imports(name, path) if t in known and t != name} for name, path in known.items()}
    state: dict[str, int] = {}
    cycles = []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]) if nxt in stack else f"{node} -> {nxt}")
            elif nxt not in state:
                walk(nxt, stack + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    cycles = [c for c in cycles if not c.startswith("spinfix -> ")]  # the package's lazy API names modules below it
    assert not cycles, "\n".join(cycles)


def test_functions_import_modules_only_in_the_entry_points_each_with_its_reason():
    found = []
    for name, path in modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        line = lines[inner.lineno - 1]
                        spinfix_module = isinstance(inner, ast.ImportFrom) and (inner.level or (inner.module or "").startswith("spinfix"))
                        if spinfix_module and not (name == "spinfix" or name.startswith(LOCAL_IMPORTS_ALLOWED[:2])):
                            found.append(f"{name}:{inner.lineno}: a spinfix module imported inside a function")
                        elif "#" not in line and name != "spinfix":
                            found.append(f"{name}:{inner.lineno}: an import inside a function without its reason")
    assert not found, "\n".join(found)


def test_no_module_but_the_package_loads_names_lazily():
    """No ``__getattr__`` shims: classes live where they are imported from."""
    shims = [name for name, path in modules().items()
             if name != "spinfix" and "def __getattr__(" in path.read_text(encoding="utf-8")]
    assert not shims, shims


@pytest.mark.parametrize("name", ["spinfix", "spinfix.cli"])
def test_the_entry_points_import_fast(name):
    """``import spinfix`` and the command line's parser load no model code (start-up time)."""
    import subprocess
    import sys

    code = (f"import sys, {name}; print(sorted(m for m in sys.modules if m.startswith('spinfix.') and "
            "m.split('.')[1] not in ('_version', 'errors', 'wording', 'cli', 'persist') and m != 'spinfix.judge'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]", out


def test_every_folder_of_the_package_is_a_regular_package():
    """Packaging finds a subpackage by its ``__init__.py``: a folder without one would not ship."""
    missing = [str(d.relative_to(PACKAGE.parent)) for d in PACKAGE.rglob("*")
               if d.is_dir() and d.name != "__pycache__" and list(d.glob("*.py")) and not (d / "__init__.py").exists()]
    assert not missing, missing
