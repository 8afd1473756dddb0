"""Jinja2 environment and the one page renderer (templates ship in web/templates)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from openimr.web.session import csrf_token_for, optional_user

HERE = Path(__file__).parent


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    return templates


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page; with `HX-Request` a caller may pass a partial template instead."""
    templates: Jinja2Templates = request.app.state.templates
    context.setdefault("user", optional_user(request))
    context.setdefault("csrf_token", csrf_token_for(request))
    context.setdefault("flash", request.query_params.get("flash"))
    return templates.TemplateResponse(request, template, context, status_code=status_code)
