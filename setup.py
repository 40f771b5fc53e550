"""The wheel carries the dashboard: app.py, pages/, examples/ and .streamlit/config.toml are
copied into warmup_viz/ui/dashboard/, where `warmup-viz serve` finds them in an install
(warmup_viz/ui/serve.py). A source checkout, an editable install included, uses them where they
are. Everything else about the package is in pyproject.toml."""

import pathlib
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = pathlib.Path(__file__).resolve().parent
DASHBOARD = ("app.py", "pages/*.py", "examples/*.json", ".streamlit/config.toml")


class BuildPyWithDashboard(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        target = pathlib.Path(self.build_lib, "warmup_viz", "ui", "dashboard")
        for pattern in DASHBOARD:
            sources = sorted(ROOT.glob(pattern))
            if not sources:  # an sdist without them (MANIFEST.in) would build a wheel that cannot serve
                raise FileNotFoundError(f"no {pattern} in {ROOT} for the wheel's dashboard")
            for source in sources:
                copy = target / source.relative_to(ROOT)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)


setup(cmdclass={"build_py": BuildPyWithDashboard})
