"""Authorization as a pipeline step no view can skip.

Every endpoint declares a permission with `@permission(...)`; a permission on an object
names it, `@permission("edit", obj="filing")`, and its URL must carry the object's argument
(`misdeclared_routes`; create_app refuses to start otherwise). Before any view runs,
`authorize` checks the CSRF token of a page request that changes something, resolves the
acting user (session for pages, bearer token for the API, the secret in the URL for calendar
feeds: permission "feed", whose route must carry `<feed_token>`), loads the object named in the
URL, and checks organization membership and role: a filing of another organization is 404,
a role without the permission is 403. An organization's people are managed by its managers
(`@permission("manage", obj="organization")`: a flag of the membership, whatever the role).
A user whose password is a one-time one is sent to the account page until it is changed.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from .accounts.sessions import bound_to_this_client
from .deadlines.service import feed_user
from .extensions import csrf, db, login_manager
from .models import ROLES, ApiToken, FilingAccess, FilingRecord, Principal

# Permission -> roles that hold it. "public" needs no sign-in; "signed_in" any account; "feed" any
# account, authenticated only by the calendar feed secret in the URL (`<feed_token>`), never by a
# session or an API token.
PERMISSIONS: dict[str, frozenset[str]] = {
    "public": frozenset(),
    "signed_in": frozenset(),
    "feed": frozenset(),
    "create": frozenset({"administrator"}),        # in at least one organization
    "view": frozenset(ROLES),
    "edit": frozenset({"administrator"}),
    "comment": frozenset({"administrator", "legal"}),
    "review": frozenset({"legal"}),
    "file": frozenset({"compliance"}),
    "manage": frozenset(),                         # the membership's manager flag, with any role
}
OBJECT_PERMISSIONS = frozenset({"view", "edit", "comment", "review", "file", "manage"})
FEED_ARGUMENT = "feed_token"
# Object -> the URL argument that names it.
OBJECTS = {"filing": "filing_id", "organization": "organization_id"}
# The object an object permission acts on.
PERMISSION_OBJECTS = {"manage": "organization"}
EXEMPT_ENDPOINTS = frozenset({"static"})
# What a user whose password must change may still reach.
PASSWORD_CHANGE_ENDPOINTS = frozenset({"accounts.account", "accounts.change_password", "accounts.signout"})

F = TypeVar("F", bound=Callable)


def permission(name: str, obj: str | None = None) -> Callable[[F], F]:
    """Declare the permission a view needs, on the object `obj` it acts on; `authorize`
    loads the object and enforces the permission before the view runs."""
    if name not in PERMISSIONS:
        raise ValueError(f"unknown permission {name!r}")
    if obj is not None and obj not in OBJECTS:
        raise ValueError(f"unknown object {obj!r}")
    if (name in OBJECT_PERMISSIONS) != (obj is not None):
        raise ValueError(f"permission {name!r} {'needs' if obj is None else 'takes no'} object")
    if obj is not None and obj != PERMISSION_OBJECTS.get(name, "filing"):
        raise ValueError(f"permission {name!r} acts on {PERMISSION_OBJECTS.get(name, 'filing')}, not {obj!r}")

    def mark(view: F) -> F:
        view.cone_permission = name  # type: ignore[attr-defined]
        view.cone_object = obj  # type: ignore[attr-defined]
        return view

    return mark


def endpoint_permission(app: Flask, endpoint: str) -> str | None:
    return getattr(app.view_functions[endpoint], "cone_permission", None)


def endpoint_object(app: Flask, endpoint: str) -> str | None:
    return getattr(app.view_functions[endpoint], "cone_object", None)


def undeclared_endpoints(app: Flask) -> list[str]:
    return sorted(e for e in app.view_functions if e not in EXEMPT_ENDPOINTS and endpoint_permission(app, e) is None)


def misdeclared_routes(app: Flask) -> list[str]:
    """Routes whose view acts on an object that their URL does not name, and feed routes
    without the feed secret."""
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint in app.view_functions]
    return sorted([f"{rule.rule} ({rule.endpoint}: {obj} needs <{OBJECTS[obj]}>)" for rule in rules
                   if (obj := endpoint_object(app, rule.endpoint)) and OBJECTS[obj] not in rule.arguments]
                  + [f"{rule.rule} ({rule.endpoint}: feed needs <{FEED_ARGUMENT}>)" for rule in rules
                     if endpoint_permission(app, rule.endpoint) == "feed" and FEED_ARGUMENT not in rule.arguments])


def check_declarations(app: Flask) -> None:
    """Refuse to build an app with an endpoint that declares no permission, or a route whose
    URL lacks the object its permission names."""
    undeclared = undeclared_endpoints(app)
    if undeclared:
        raise RuntimeError(f"endpoints without a permission declaration: {', '.join(undeclared)}")
    misdeclared = misdeclared_routes(app)
    if misdeclared:
        raise RuntimeError(f"routes without the object their permission names: {', '.join(misdeclared)}")


def load_user(session_id: str) -> Principal | None:
    """Flask-Login's user loader: on a filing's page, the filing is loaded in the same query.
    A session of an older epoch than the user's (signed out, or the password changed, since it
    signed in) has no user."""
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    filing_id = (request.view_args or {}).get(OBJECTS["filing"])
    principal, access = Principal.load(int(user_id), filing_id)
    if principal is None or principal.get_id() != session_id:
        return None
    if filing_id is not None:
        g.prefetched_access = (filing_id, access)
    return principal


def _filing_access(user: Principal, filing_id: int) -> FilingAccess | None:
    prefetched = g.pop("prefetched_access", None)
    if prefetched is not None and prefetched[0] == filing_id:
        return prefetched[1]
    return Principal.load(user.id, filing_id)[1]


def _bearer_user() -> Principal | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return ApiToken.user_for(secret.strip())


READ_METHODS = ("GET", "HEAD", "OPTIONS")


def authorize():  # noqa: ANN201 (a before_request hook: None or a response)
    """Resolve the user and the filing, and refuse before the view runs."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in EXEMPT_ENDPOINTS:
        return None
    name = endpoint_permission(current_app, endpoint)
    if name is None:
        abort(500, "endpoint declares no permission")
    if name == "feed":              # the secret in the URL is the only credential (GET only: no CSRF)
        g.user = feed_user(str((request.view_args or {}).get(FEED_ARGUMENT, "")))
        if g.user is None:
            abort(404)
        return None
    api = request.blueprint == "api"
    config = current_app.config
    if not api and request.method in config["WTF_CSRF_METHODS"] and config["WTF_CSRF_ENABLED"]:
        csrf.protect()              # (the API authenticates each request by its token, not a cookie)
    if api:
        user = _bearer_user()
    else:
        user = current_user if current_user.is_authenticated and bound_to_this_client() else None
    g.user = user
    if name == "public":
        return None
    if user is None:
        if api:
            abort(401)
        return redirect(url_for("accounts.signin", next=request.full_path if request.method == "GET" else None))
    if api and user.read_only and request.method not in READ_METHODS:
        abort(403, "This API token is read-only: it can read filings (GET) but not change them. "
                   "Create a token without the read-only scope to change filings.")
    if user.must_change_password and not api and endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("accounts.account"))
    roles = PERMISSIONS[name]
    obj = endpoint_object(current_app, endpoint)
    if obj == "organization":
        organization_id = request.view_args[OBJECTS["organization"]]
        if user.role_in(organization_id) is None:
            abort(404)
        if not user.manages(organization_id):
            abort(403)
        g.organization_id = organization_id
    elif obj == "filing":
        row = _filing_access(user, request.view_args[OBJECTS["filing"]])
        role = user.role_in(row.organization_id) if row is not None else None
        if role is None:
            abort(404)
        if roles and role not in roles:
            abort(403)
        g.access, g.role = row, role
    elif name == "create" and not user.organizations("administrator"):
        abort(403)
    return None


def current_record() -> FilingRecord:
    """The ORM record of the filing the access check admitted (loaded on first use)."""
    return db.session.get(FilingRecord, g.access.id)


def filing_item(model: type, item_id: int | str):  # noqa: ANN201 (a row of `model`)
    """The row of the admitted filing's own `model` (render job, exhibit) with that id, else 404."""
    item = db.session.get(model, item_id)
    if item is None or item.filing_id != g.access.id:
        abort(404)
    return item


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
    app.before_request(authorize)
