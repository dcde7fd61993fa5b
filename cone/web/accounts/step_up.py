"""Step-up: a decorator for the actions that approve, file or mint a token, which asks for the
current second-factor code again when the last one is older than two_factor.STEP_UP_AGE. A
user without a factor passes unless an organization of theirs requires one."""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import g, render_template, request

from . import throttle, two_factor
from .. import security_log

CODE_FIELD = "two_factor_code"


def fresh_second_factor(view: Callable[..., Any]) -> Callable[..., Any]:
    """On POST, ask for a current code (re-posting the form) unless one was given recently."""
    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if request.method != "POST" or g.user is None or two_factor.recently_verified(g.user.id):
            return view(*args, **kwargs)
        enrolled = two_factor.factor(g.user.id) is not None
        if not enrolled and not two_factor.required(g.user.id):
            return view(*args, **kwargs)
        error = None
        code = request.form.get(CODE_FIELD)
        if enrolled and code is not None:
            throttle.check("signin", "SIGNIN_RATE_LIMIT")
            if two_factor.verify(g.user.id, code):
                security_log.event("step_up_succeeded")
                return view(*args, **kwargs)
            security_log.event("step_up_failed")
            error = "The code is not right: enter the six digits your app shows now, or a recovery code"
        fields = [(k, v) for k, v in request.form.items(multi=True) if k not in ("csrf_token", CODE_FIELD)]
        return render_template("accounts/two_factor_step_up.html", fields=fields, enrolled=enrolled,
                               error=error), 401 if error is None else 422
    return checked
