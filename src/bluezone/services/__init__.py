"""What the server runs on, opened in one place for the web app, the CLI, the simulator and the benchmarks."""

from bluezone.services.maintenance import run_maintenance
from bluezone.services.opening import Services, open_services

__all__ = ["Services", "open_services", "run_maintenance"]
