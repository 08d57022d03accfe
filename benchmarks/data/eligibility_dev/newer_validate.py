import json,csv,collections,re,os
H=os.path.dirname(os.path.abspath(__file__))
docs={json.loads(l)['docid']:json.loads(l) for l in open(os.path.join(H,'newer_docs.jsonl'))}
cls=[json.loads(l) for l in open(os.path.join(H,'newer_clauses.jsonl'))]
codes={'100000'}
for fn,k in [('areas.csv','code'),('cities.csv','code'),('provinces.csv','code')]:
    for r in csv.DictReader(open('/work/shared/corpora/admin-divisions/'+fn)):
        c=r[k]; codes.add(c.ljust(6,'0'))
ind=set()
for r in csv.DictReader(open('/work/shared/corpora/gbt4754/gbt4754_2017.csv')):
    for k in ('section','division','group','class'):
        if r[k]: ind.add(r[k])
facts={l.split('\t')[0]:l.rstrip('\n').split('\t') for l in open(os.path.join(H,'newer_facts.tsv')) if l.strip()}
err=[]
KINDS={'support_measure','directive','statistic','heading','narrative'}
DIMS={'region','scale','industry','ownership','age_years','employees','revenue_wan','qualification','behaviour','other'}
OPS={'in','not_in','>=','<=','>','<','==','has'}
BT={'资金补贴','税费减免','社保减免缓缴','贷款贴息','金融支持','租金减免','稳岗返还','其他'}
per=collections.defaultdict(list)
usedfacts=set()
for c in cls:
    t=docs[c['docid']]['text']; s,e=c['span']
    if t[s:e]!=c['clause_text']: err.append(('span',c['docid'],c['clause_index']))
    if c['kind'] not in KINDS: err.append(('kind',c))
    if c['doc_kind'] not in {'policy','news','faq','report','other'}: err.append(('dockind',c))
    per[c['docid']].append(c)
    if c['kind']!='support_measure':
        for k in ('region','benefit','conditions'): 
            if k in c: err.append(('extra',c['docid'],c['clause_index'],k))
        continue
    rc=c['region']['code']
    if not re.fullmatch(r'\d{6}',rc) or rc not in codes: err.append(('code',rc))
    if c['benefit']['type'] not in BT: err.append(('bt',c))
    if c['benefit']['text'] not in c['clause_text']: err.append(('btext',c['docid'],c['clause_index']))
    regs=[x for x in c['conditions'] if x['dimension']=='region']
    if rc!='100000' and not any(rc in x['value'] for x in regs): err.append(('noregion',c['docid'],c['clause_index']))
    for x in c['conditions']:
        if x['dimension'] not in DIMS or x['operator'] not in OPS: err.append(('dimop',x))
        a,b=x['span']
        if t[a:b]!=x['text']: err.append(('cspan',c['docid'],c['clause_index'],x['text']))
        k=t.find(x['text'],s)
        exp = [k,k+len(x['text'])] if (k!=-1 and k+len(x['text'])<=e) else [t.find(x['text']),t.find(x['text'])+len(x['text'])]
        if exp!=x['span']: err.append(('cspan-notfirst',c['docid'],c['clause_index'],x['text']))
        if x['dimension']=='region':
            for v in x['value']:
                if not re.fullmatch(r'\d{6}',v) or v not in codes: err.append(('rcode',v))
        if x['dimension']=='industry':
            for v in x['value']:
                if v not in ind: err.append(('ind',v))
        if x['dimension']=='scale':
            for v in x['value']:
                if v not in {'大型','中型','小型','微型'}: err.append(('scale',v))
        if x['dimension'] in ('behaviour','other') and 'fact' not in x: err.append(('nofact',x))
        if 'fact' in x:
            usedfacts.add(x['fact'])
            if x['fact']!='as_of' and x['fact'] not in facts: err.append(('factmissing',x['fact']))
for d,L in per.items():
    if [c['clause_index'] for c in L]!=list(range(len(L))): err.append(('index',d))
    sp=[c['span'][0] for c in L]
    if sp!=sorted(sp): err.append(('order',d))
unused=set(facts)-usedfacts
print('errors',err); print('unused facts',unused)
