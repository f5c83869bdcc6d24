import re,collections,sys
t0,t1=float(sys.argv[1]),float(sys.argv[2])
names={'8792':'kmain','8820':'hash','8819':'cipher','8807':'srv','8814':'sp1','8815':'sp2','8816':'sp3','8817':'sp4','8799':'kp1','8800':'kp2','8801':'kp3','8802':'kp4'}
sl=[];run=collections.Counter();delay=collections.Counter()
for line in open('th.txt'):
    m=re.match(r'\s*([\d.]+) \[(\d+)\]\s+(\S+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)',line)
    if not m: continue
    t=float(m[1]);cpu=int(m[2]);task=m[3];r=float(m[6])/1000
    if t<t0 or t>t1: continue
    mm=re.search(r'\[(\d+)(?:/(\d+))?\]',task); tid=mm[1] if mm else '?'
    n=names.get(tid, 'idle' if task=='<idle>' else 'other')
    sl.append((t-r,t,cpu,n)); run[n]+=r; delay[n]+=float(m[5])/1000
print('run',{k:round(v,3) for k,v in run.most_common()})
print('schdelay',{k:round(v,3) for k,v in delay.most_common()})
# sample
step=0.0001; N=int((t1-t0)/step)
busy=[[None,None] for _ in range(N)]
for a,b,cpu,n in sl:
    if n=='idle': continue
    i0=max(0,int((a-t0)/step)); i1=min(N,int((b-t0)/step))
    for i in range(i0,i1): busy[i][cpu]=n
key=['kmain','hash','cipher','srv']
idle_notrun=collections.Counter(); idle_total=0; combo=collections.Counter()
for s in busy:
    nb=sum(1 for x in s if x)
    if nb<2:
        idle_total+=1
        running=set(x for x in s if x)
        combo[tuple(sorted(running))]+=1
print('idle samples (>=1 cpu idle) s:',round(idle_total*step,3),'of',round(N*step,3))
for k,v in combo.most_common(10): print(' running only',k,round(v*step,3))
