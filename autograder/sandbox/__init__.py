"""What runs inside a sandbox or starts one: the bubblewrap session and its resource unit,
the kernel driver and the calls it serves, the plain-data frames that cross, start-up.

May import: itself and the student side (autograder.student).
Never imports: grading, report, editions, lms or course (the course folder, the reference):
nothing in the sandbox may reach test code, answers or course data.
Never imported by: the student side.
"""
