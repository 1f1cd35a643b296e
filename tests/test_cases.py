"""The exception classes a hidden check loops over (autograd_guide.cases) are what they say."""

import pytest
import torch

import guide_site
from autograd_guide.cases import grad_modes, gradients, raises, tensor_cases
from reader_files import HELPER_MODULES


def test_every_case_is_fresh_and_requires_grad():
    for name, make in tensor_cases().items():
        first, second = make(), make()
        assert first.requires_grad and first is not second, name


def test_cases_cover_the_classes_they_name():
    cases = {name: make() for name, make in tensor_cases().items()}
    assert cases["view made under no_grad"].is_leaf and cases["view made under no_grad"]._is_view()
    assert cases["input returned under no_grad (.float())"].grad_fn.name() == "MulBackward0"
    assert cases["slice view"]._is_view() and not cases["slice view"].is_leaf
    assert {cases[d].dtype for d in ("float64", "float16", "bfloat16", "complex64")} == {
        torch.float64,
        torch.float16,
        torch.bfloat16,
        torch.complex64,
    }
    assert type(cases["nn.Parameter"]) is torch.nn.Parameter and cases["0-dim"].dim() == 0


def test_gradients_asks_three_ways_on_fresh_inputs():
    made = []

    def make():
        made.append(torch.ones(2, requires_grad=True))
        return [made[-1]]

    found = gradients(lambda x: (x * 3).sum(), make)
    assert list(found) == ["backward()", "torch.autograd.grad", "backward(inputs=...)"]
    assert all(grads[0].tolist() == [3.0, 3.0] for grads in found.values()) and len({id(x) for x in made}) == 3
    weighted = gradients(lambda x: x * 3, make, gradient=torch.tensor([1.0, 2.0]))
    assert all(grads[0].tolist() == [3.0, 6.0] for grads in weighted.values())


def test_grad_modes_turn_recording_off_and_on():
    expected = {
        "grad mode": True,
        "no_grad": False,
        "set_grad_enabled(False)": False,
        "inference_mode": False,
        "enable_grad inside no_grad": True,
    }
    for name, mode in grad_modes().items():
        with mode():
            assert torch.is_grad_enabled() is expected[name], name


def test_raises_fails_on_nothing_and_on_another_message():
    with raises(ValueError, "bad"):
        raise ValueError("a bad value")
    with pytest.raises(AssertionError, match="nothing was raised"), raises(ValueError):
        pass
    with pytest.raises(AssertionError, match="does not match"), raises(ValueError, "other"):
        raise ValueError("a bad value")


def test_every_helper_module_travels_with_the_downloads():
    package = guide_site.ROOT / "src" / "autograd_guide"
    modules = {f"autograd_guide.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"} | {"autograd_guide"}
    assert set(HELPER_MODULES) == modules
