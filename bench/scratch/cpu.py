# scratch: CPU ms per request by process tree around a wrk run
import json, os, subprocess, sys, re
s = json.load(open('/tmp/prof/stack.json'))
url = sys.argv[1]; secs = sys.argv[2] if len(sys.argv) > 2 else '10'
HZ = os.sysconf('SC_CLK_TCK')
def stats():
    st = {}
    for e in os.listdir('/proc'):
        if not e.isdigit(): continue
        try: raw = open(f'/proc/{e}/stat').read()
        except: continue
        f = raw[raw.rindex(')')+2:].split(' ')
        st[int(e)] = (int(f[1]), sum(int(f[i]) for i in (11,12,13,14)))
    return st
def trees(st, roots):
    ch = {}
    for p,(pp,_) in st.items(): ch.setdefault(pp, []).append(p)
    out = {}
    for name, r in roots.items():
        if r not in st: continue
        q=[r]; t=0
        while q:
            p=q.pop(); t+=st[p][1]; q+=ch.get(p,[])
        out[name]=t
    return out
roots = s['pids']
import glob
runner = [int(x.split('/')[2]) for x in glob.glob('/proc/[0-9]*/cmdline') if b'scratch/up.ts' in open(x,'rb').read()]
def selfcpu(pid):
    raw=open(f'/proc/{pid}/stat').read(); f=raw[raw.rindex(')')+2:].split(' '); return int(f[11])+int(f[12])
r0 = selfcpu(runner[0]) if runner else 0
b = trees(stats(), roots)
p = subprocess.Popen(["nice","-n","-19",'wrk','-t1','-c16',f'-d{secs}s','--latency',url], stdout=subprocess.PIPE, text=True)
import time; time.sleep(0.5)
wrkpid = p.pid
ru0 = 0
out = p.communicate()[0]
a = trees(stats(), roots)
ru = os.times()
r1 = selfcpu(runner[0]) if runner else 0
m = re.search(r'(\d+) requests in', out); n = int(m.group(1))
print(out.strip().splitlines()[-2])
tot=0
for k in a:
    ms = (a[k]-b.get(k,a[k]))/HZ*1000/n; tot+=ms
    if ms>0.005: print(f'  {k:16s} {ms:.3f} ms/req')
wrk = (ru.children_user+ru.children_system)*1000/n
print(f'  {"runner(self)":16s} {(r1-r0)/HZ*1000/n:.3f} ms/req')
print(f'  {"wrk":16s} {wrk:.3f} ms/req'); print(f'  total(services) {tot:.3f} ms/req, {n} requests')
