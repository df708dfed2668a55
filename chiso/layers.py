"""The order of ChiSo's layers, written once, and the check that imports only point down.

Run `python -m chiso.layers` (or `make layers`) to print the floors, any upward or sideways import and any
import cycle between apps; it exits 1 when there is one. chiso/tests/test_layers.py runs the same check.

The rule:
- every module under chiso/ belongs to a component: the first name after `chiso.` (an app or package such as
  `plans`, or a top-level module such as `settings`); a component not listed in LAYERS is an error, so a new
  app must be given its floor here;
- a module may import its own component and components on lower floors only; components on the same floor
  may not import each other (give them an order by splitting the floor);
- every import counts: module level, inside functions, relative, `import chiso.x` and `from chiso import x`;
  so does a relation field naming another app's model as a string (`ForeignKey("plans.Task")`);
  migrations count too (a migration may import only what is below its app); test modules (in a `tests`
  package, and chiso/tests for the checks that span every app) are exempt: a test may drive the app it tests
  together with the apps above it;
- `lib` and this module are pure Python: they import the standard library and `chiso.lib` only.
Migration dependencies are not imports: a migration that moved a model from one app to another depends on
the app that made the table first (see docs/architecture.md)."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

# Lowest first. Names on one floor may not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("lib", "layers"),                                  # pure helpers, no Django
    ("settings", "formats", "cli", "language", "statements"),  # configuration and Django glue, no models
    ("importing",),                                     # the plan-document parser
    ("org",),                                           # province, agency, unit
    ("accounts",),                                      # people, role grants, the access core
    ("audit",),                                         # the change log
    ("files", "exports"),                               # shared services without state of their own
    ("periods", "notifications"),                       # shared services with models
    ("jobs",),                                          # background jobs (may notify)
    ("frameworks",),                                    # index catalogs
    ("plans",),                                         # plans, tasks, their status
    ("tracking",),                                      # progress, evidence, reminders
    ("reports",),                                       # periodic reports
    ("assessment", "dossiers"),                         # capabilities built on reports
    ("survey",),                                        # SIPAS survey (checks receipt codes against dossiers)
    ("public",),                                        # the public pages (read survey and dossiers)
    ("api",),
    ("demo",),                                          # the demo's data, through every app's actions
    ("web",),                                           # the shell: home, directory, the background loop
    ("urls", "wsgi"),                                   # the URL map and the server entry point
]
PURE = {"lib", "layers"}
EXEMPT_PARTS = {"tests"}

FLOOR = {name: i for i, names in enumerate(LAYERS) for name in names}


@dataclass(frozen=True)
class Edge:
    """`module` (in component `source`) imports `target` (a component) at `line`."""

    module: str
    line: int
    source: str
    target: str
    imported: str


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def component(module: str) -> str | None:
    """`chiso.plans.views` -> "plans"; `chiso` itself -> None."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "chiso" else None


RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def _model_reference(node: ast.Call) -> str | None:
    """The "app_label.Model" a relation field points to, when it is written as a string."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in RELATIONS:
        return None
    target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "to"), None)
    if isinstance(target, ast.Constant) and isinstance(target.value, str) and "." in target.value:
        return target.value
    return None


def imports_of(source: str, module: str, is_package: bool, apps: set[str] = frozenset()) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in a module, at any depth; a relation field naming a
    model of another ChiSo app ("plans.Task") counts as importing that app's models."""
    found = []
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and (ref := _model_reference(node)):
            label = ref.split(".")[0].lower()
            if label in apps:
                found.append((node.lineno, f"chiso.{label}.models"))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # `from chiso import plans` names the component in the alias
            if name == "chiso":
                found.extend((node.lineno, f"chiso.{alias.name}") for alias in node.names)
    return found


def scan(root: Path) -> tuple[list[Edge], list[str], list[str]]:
    """(edges between components, modules outside any listed component, impure imports in pure modules)."""
    edges, unplaced, impure = [], [], []
    stdlib = set(sys.stdlib_module_names)
    apps = {p.parent.name for p in root.glob("*/apps.py")}
    for path in sorted(root.rglob("*.py")):
        module = module_name(root, path)
        source = component(module)
        if source is None:
            continue
        exempt = bool(EXEMPT_PARTS & set(module.split(".")))
        if source not in FLOOR and source not in EXEMPT_PARTS:
            unplaced.append(module)
            continue
        for line, imported in imports_of(path.read_text(encoding="utf-8"), module, path.name == "__init__.py",
                                         apps):
            top = imported.split(".")[0]
            if source in PURE and not exempt and top not in stdlib and not imported.startswith("chiso.lib") \
                    and imported != "__future__":
                impure.append(f"{module}:{line} imports {imported}")
            target = component(imported) if top == "chiso" else None
            if target and target != source and not exempt:
                edges.append(Edge(module, line, source, target, imported))
    return edges, unplaced, impure


def violations(edges: list[Edge]) -> list[str]:
    out = []
    for e in edges:
        if e.target not in FLOOR:
            out.append(f"{e.module}:{e.line} imports {e.imported}: “{e.target}” has no floor in chiso/layers.py")
        elif FLOOR[e.target] > FLOOR[e.source]:
            out.append(f"{e.module}:{e.line} imports {e.imported}: up from {e.source} to {e.target}")
        elif FLOOR[e.target] == FLOOR[e.source]:
            out.append(f"{e.module}:{e.line} imports {e.imported}: sideways between {e.source} and {e.target}, "
                       "which share a floor")
    return out


def cycles(edges: list[Edge]) -> list[list[str]]:
    """Groups of components that import each other, directly or around a loop (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        graph[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(set(graph) | {t for ts in graph.values() for t in ts}):
        if node not in index:
            visit(node)
    return sorted(found)


def report(root: Path) -> tuple[int, str]:
    """(exit status, text) of the whole check."""
    edges, unplaced, impure = scan(root)
    problems = [f"{m}: its component has no floor in chiso/layers.py" for m in unplaced]
    problems += [f"{line} (lib and layers.py are pure Python)" for line in impure]
    problems += violations(edges)
    loops = cycles(edges)
    lines = ["Floors, lowest first (a name that does not exist yet is reserved):"]
    present = {component(module_name(root, p)) for p in root.rglob("*.py")}
    for i, names in enumerate(LAYERS):
        lines.append(f"  {i:2d}. " + ", ".join(n if n in present else f"({n})" for n in names))
    lines.append(f"{len(edges)} imports between components checked.")
    lines.append("Import cycles between apps: " + ("none" if not loops else
                                                    "; ".join(" <-> ".join(c) for c in loops)))
    lines += [f"ERROR {p}" for p in problems]
    if not problems and not loops:
        lines.append("OK: every import points down.")
    return (1 if problems or loops else 0), "\n".join(lines)


def main() -> int:
    status, text = report(Path(__file__).resolve().parent)
    print(text)
    return status


if __name__ == "__main__":
    sys.exit(main())
