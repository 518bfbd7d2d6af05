"""The course kit: what an instructor runs around the grader (:mod:`labkit.grading`).

- :mod:`.release`      ``python -m labkit release --out DIR``: the folder students get, with no answer in it
- :mod:`.autograder`   ``python -m labkit autograder NN --out autograder.zip``: Gradescope's autograder
- :mod:`.gradebook`    ``python -m labkit grade ... --canvas GRADEBOOK.csv``: Canvas's or Moodle's import
- :mod:`.similarity`   ``python -m labkit similarity DIR --lesson NN --out DIR``: pairs ranked by overlap
- :mod:`.class_report` ``DIR/class.html`` and ``class.json`` after every batch: where the class struggles
"""
