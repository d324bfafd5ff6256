import signal
import threading

from django.core.management.base import BaseCommand

from jobs.services import work


class Command(BaseCommand):
    help = "Run queued background jobs (the county workbook, large imports). `make run` starts one."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between looks at the queue.")

    def handle(self, *args, once: bool = False, poll: float = 1.0, **options):
        stop = threading.Event()
        if not once and threading.current_thread() is threading.main_thread():
            # Finish the job at hand on SIGTERM/SIGINT instead of leaving it half-done.
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        count = work(once=once, poll=poll, stop=stop)
        if options["verbosity"] > 1 or once:
            self.stdout.write(f"{count} job(s) run")
