"""FastAPI dependencies: what bootstrap built, as ``Annotated`` aliases routes declare."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.bootstrap import Services
from graph.base import GraphStore


def get_services(request: Request) -> Services:
    """The services the app was started with."""
    services: Services = request.app.state.services
    return services


def get_store(request: Request) -> GraphStore:
    """The graph store."""
    return get_services(request).store


ServicesDep = Annotated[Services, Depends(get_services)]
GraphStoreDep = Annotated[GraphStore, Depends(get_store)]
