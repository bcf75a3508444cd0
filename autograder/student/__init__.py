"""What student notebooks import: the checks their test cells call, the explorers'
widgets, the public callables graded by name, and the records of likely mistakes.

May import: only itself (and NumPy, Matplotlib, ipywidgets).
Never imports: grading, report, editions, lms, course or sandbox; it ships in the student
edition and runs inside the sandbox, so it must hold nothing a student may not see.
Never imported by: nothing; every part may use it.
"""
