"""The examples in the public API's docstrings run, and give what they show."""
import doctest
import importlib

import pytest

PUBLIC = ["spinfix", "spinfix.api", "spinfix.schema", "spinfix.judge", "spinfix.judge.trigram",
          "spinfix.wording", "spinfix.text.language", "spinfix.detection.verdicts",
          "spinfix.text.words", "spinfix.text.phrases", "spinfix.text.spelling", "spinfix.text.thesaurus",
          "spinfix.alignment.substitutions", "spinfix.alignment.aligner", "spinfix.dictionary.substitutions",
          "spinfix.dictionary.storage", "spinfix.detection.detector", "spinfix.detection.forests",
          "spinfix.detection.results", "spinfix.restoration.restorer", "spinfix.restoration.restorations",
          "spinfix.corpus.source_index", "spinfix.corpus.screening", "spinfix.persist.model_files",
          "spinfix.training.spinner"]


@pytest.mark.parametrize("name", PUBLIC)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, name)
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed (see the output above)"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["spinfix.api"])
def test_docstring_examples_that_take_minutes_run(name):
    """The examples marked ``+SKIP`` (training) run here, in the slow suite."""
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    slow = 0
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, name):
        if any(example.options.get(doctest.SKIP) for example in test.examples):
            for example in test.examples:
                example.options.pop(doctest.SKIP, None)
            runner.run(test)
            slow += 1
    result = runner.summarize(verbose=False)
    assert slow and result.failed == 0
