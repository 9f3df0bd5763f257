"""List every LogicMonitor user through the official SDK (logicmonitor-sdk), 1000 per page.

Used by `benches/benches/sdk.rs`. Reads the sandbox endpoint (a JSON line with url,
access_id and access_key) from the BENCH_LIST_ENDPOINT environment variable, authenticates
with LMv1, pages with size/offset, and prints one JSON line: {items, secs, cpu_secs, peak_kib}, where
peak_kib is VmHWM from /proc/self/status (ru_maxrss where /proc is missing).
"""

import json
import os
import resource
import time

import logicmonitor_sdk


def peak_kib():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main():
    endpoint = json.loads(os.environ["BENCH_LIST_ENDPOINT"])
    configuration = logicmonitor_sdk.Configuration()
    # The SDK only derives its host from `company` (https://COMPANY.logicmonitor.com);
    # `host` has no setter, so the loopback sandbox URL goes into its backing field.
    configuration._host = endpoint["url"]
    configuration.access_id = endpoint["access_id"]
    configuration.access_key = endpoint["access_key"]
    api = logicmonitor_sdk.LMApi(logicmonitor_sdk.ApiClient(configuration))

    start, cpu_start = time.perf_counter(), time.process_time()
    items, offset, size = 0, 0, 1000
    while True:
        page = api.get_admin_list(size=size, offset=offset)
        received = len(page.items or [])
        items += received
        offset += received
        if received == 0 or offset >= page.total:
            break
    secs, cpu_secs = time.perf_counter() - start, time.process_time() - cpu_start
    print(json.dumps({"items": items, "secs": secs, "cpu_secs": cpu_secs, "peak_kib": peak_kib()}))


if __name__ == "__main__":
    main()
