"""aftersales.plots._base: the figure and axes every figure function starts from."""

import re
from pathlib import Path

from aftersales import plots


def test_labelled_axes_names_the_axes_and_draws_a_grid_unless_told_not_to():
    figure = plots.new_figure((4.0, 3.0))
    assert tuple(figure.get_size_inches()) == (4.0, 3.0)
    assert figure.get_layout_engine() is not None  # constrained by default
    left = plots.labelled_axes(figure, "T", "x (s)", "y (GBP)", 1, 2, 1)
    right = plots.labelled_axes(figure, "U", "x", "", 1, 2, 2, grid=False, title_size="small")
    assert (left.get_title(), left.get_xlabel(), left.get_ylabel()) == ("T", "x (s)", "y (GBP)")
    assert all(line.get_visible() for line in left.get_xgridlines())
    assert not any(line.get_visible() for line in right.get_xgridlines())
    assert right.title.get_fontsize() < left.title.get_fontsize()
    assert [a.get_subplotspec().colspan.start for a in figure.axes] == [0, 1]


def test_label_axes_and_twin_y_name_axes_made_elsewhere():
    figure = plots.new_figure(layout=None)
    assert figure.get_layout_engine() is None
    axes = plots.label_axes(figure.subplots(), "T", "day (UTC)", "revenue (GBP)", grid=False)
    twin = plots.twin_y(axes, "cumulative revenue (GBP)")
    assert axes.get_ylabel() == "revenue (GBP)" and twin.get_ylabel() == "cumulative revenue (GBP)"
    assert twin.get_shared_x_axes().joined(axes, twin)


def test_no_figure_module_creates_figures_or_names_axes_itself():
    folder = Path(plots.__file__).parent
    pattern = re.compile(
        r"\bFigure\(|\.add_subplot\(|\.twinx\(|(?<!get_legend\(\))\.set_(title|xlabel|ylabel)\("
    )
    found = [
        f"{path.relative_to(folder)}:{number}"
        for path in sorted(folder.rglob("*.py"))
        if path.name != "_base.py"
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []
