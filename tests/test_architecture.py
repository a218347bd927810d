"""The layout keeps its promises: no import cycles, lower layers never reach up, a resource is
known to the rest only through the registry, and reading settings loads no Faker."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "mockserver"

# What each lower layer may import from mockserver (besides itself).
ALLOWED_BELOW = {
    "runtime": set(),
    "contract": set(),
    "state": {"contract"},
    "novu": {"contract", "state"},
    "resources": {"contract", "state", "novu", "settings"},
}


def module_name(path: Path) -> str:
    name = "mockserver." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    return name.removesuffix(".__init__")


def imports_of(source: str, known: set[str], *, typing_only: bool = False) -> set[str]:
    """mockserver modules a file's source imports when it runs (anywhere in it, functions too),
    and with `typing_only` those it names for the type checker alone too."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if not typing_only and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.dump(node.test):
            for other in node.orelse:
                visit(other)
            return
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("mockserver"):
            assert node.module is not None
            # `from package import module` runs the package's __init__ as well as the module.
            found.add(node.module)
            found.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if f"{node.module}.{alias.name}" in known
            )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("mockserver"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def graph(*, typing_only: bool = False) -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(files)
    return {
        name: {
            d
            for d in imports_of(path.read_text(), known, typing_only=typing_only)
            if d in known and d != name
        }
        for name, path in files.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def layer(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_no_module_imports_itself_round_a_cycle() -> None:
    edges = graph()
    assert cycles(edges) == []
    # Nor for the type checker: a module named under TYPE_CHECKING still must not import the
    # one naming it (the state layer names Resource; resources/base.py must not import back
    # into the state loaders, only the state's errors).
    assert cycles(graph(typing_only=True)) == []
    # The check finds a cycle when there is one: a package whose __init__ imports its own
    # resource module while that module imports from the package (as resources once did).
    package = "mockserver.resources.integrations"
    module = f"{package}.resource"
    looped = {**edges, package: {*edges[package], module}, module: {*edges[module], package}}
    assert any({package, module} <= set(cycle) for cycle in cycles(looped))

    # `from package import module` is an edge to the package too: its __init__ runs.
    source = f"from {package} import routes\n"
    assert imports_of(source, set(edges)) == {package, f"{package}.routes"}


def test_lower_layers_never_import_upper_ones() -> None:
    reaching_up = [
        f"{module} -> {target}"
        for module, targets in graph().items()
        if layer(module) in ALLOWED_BELOW
        for target in targets
        if layer(target) != layer(module) and layer(target) not in ALLOWED_BELOW[layer(module)]
    ]
    assert reaching_up == []


def test_only_the_registry_names_a_resource() -> None:
    """Adding a resource is its folder and one registry line: nothing else imports it."""
    resources = PACKAGE / "resources"
    packages = [p.name for p in resources.iterdir() if (p / "__init__.py").is_file()]
    assert "integrations" in packages
    for name in packages:
        dotted = f"mockserver.resources.{name}"
        outside = [
            module
            for module, targets in graph().items()
            if not module.startswith(dotted) and any(t.startswith(dotted) for t in targets)
        ]
        assert outside == [], f"{dotted} is imported from outside its folder"
        named = [
            path.relative_to(PACKAGE).as_posix()
            for path in PACKAGE.rglob("*.py")
            if dotted in path.read_text() and not module_name(path).startswith(dotted)
        ]
        assert named == ["resources/registry.py"]


def test_reading_settings_loads_no_faker_and_no_flask() -> None:
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, mockserver.settings; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'faker', 'flask'}))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "[]"
