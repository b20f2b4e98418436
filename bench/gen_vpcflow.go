package bench

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// FlowFormat is the record format of a generated flow log.
type FlowFormat int

const (
	// FlowV2 is the default format: the 14 version-2 fields in AWS's order.
	FlowV2 FlowFormat = iota
	// FlowV5 is a custom format of 29 fields up to version 5, in a
	// different order from the default (interface and account after the
	// VPC fields, bytes before packets, tcp-flags before log-status).
	FlowV5
)

// flowLogsPerRegion is how many flow logs each account-region has: one VPC
// logged in FlowV2, the other in FlowV5.
const flowLogsPerRegion = 2

// String returns "v2" or "v5".
func (f FlowFormat) String() string {
	if f == FlowV5 {
		return "v5"
	}
	return "v2"
}

// Header returns the header line of files in format f, without newline.
func (f FlowFormat) Header() string {
	fields := f.fields()
	var b strings.Builder
	for i, fl := range fields {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(flowFieldNames[fl])
	}
	return b.String()
}

func (f FlowFormat) fields() []flowField {
	if f == FlowV5 {
		return v5Fields
	}
	return v2Fields
}

type flowField uint8

const (
	fVersion flowField = iota
	fAccountID
	fInterfaceID
	fSrcaddr
	fDstaddr
	fSrcport
	fDstport
	fProtocol
	fPackets
	fBytes
	fStart
	fEnd
	fAction
	fLogStatus
	fVpcID
	fSubnetID
	fInstanceID
	fTCPFlags
	fType
	fPktSrcaddr
	fPktDstaddr
	fRegion
	fAzID
	fSublocationType
	fSublocationID
	fPktSrcAWSService
	fPktDstAWSService
	fFlowDirection
	fTrafficPath
)

var flowFieldNames = [...]string{
	fVersion: "version", fAccountID: "account-id", fInterfaceID: "interface-id", fSrcaddr: "srcaddr",
	fDstaddr: "dstaddr", fSrcport: "srcport", fDstport: "dstport", fProtocol: "protocol",
	fPackets: "packets", fBytes: "bytes", fStart: "start", fEnd: "end", fAction: "action",
	fLogStatus: "log-status", fVpcID: "vpc-id", fSubnetID: "subnet-id", fInstanceID: "instance-id",
	fTCPFlags: "tcp-flags", fType: "type", fPktSrcaddr: "pkt-srcaddr", fPktDstaddr: "pkt-dstaddr",
	fRegion: "region", fAzID: "az-id", fSublocationType: "sublocation-type", fSublocationID: "sublocation-id",
	fPktSrcAWSService: "pkt-src-aws-service", fPktDstAWSService: "pkt-dst-aws-service",
	fFlowDirection: "flow-direction", fTrafficPath: "traffic-path",
}

var (
	v2Fields = []flowField{fVersion, fAccountID, fInterfaceID, fSrcaddr, fDstaddr, fSrcport, fDstport,
		fProtocol, fPackets, fBytes, fStart, fEnd, fAction, fLogStatus}
	v5Fields = []flowField{fVersion, fVpcID, fSubnetID, fInstanceID, fInterfaceID, fAccountID, fType,
		fSrcaddr, fDstaddr, fSrcport, fDstport, fPktSrcaddr, fPktDstaddr, fProtocol, fBytes, fPackets,
		fStart, fEnd, fAction, fTCPFlags, fLogStatus, fRegion, fAzID, fSublocationType, fSublocationID,
		fPktSrcAWSService, fPktDstAWSService, fFlowDirection, fTrafficPath}
)

// eni is a network interface in a logged VPC.
type eni struct {
	id, ip, ip6       string
	instance          string // "-" for NAT gateways and load balancers
	subnet, vpc, azID string
	web               bool // takes traffic from the internet on 80/443
	nat               bool // a NAT gateway: forwards instances' egress
	servicePorts      []int
	owner             string
}

type flowLog struct {
	id     string
	format FlowFormat
	vpc    string
	enis   []eni
}

// regionNet is the network of one account in one region.
type regionNet struct {
	region   string
	flowLogs [flowLogsPerRegion]flowLog
	egress   []string // public destinations workloads talk to
	egress6  []string
	svcIPs   int // egress[:svcIPs] are AWS service addresses (pkt-dst-aws-service)
}

var servicePorts = [][]int{{443}, {5432}, {6379}, {8080, 8443}, {3306}, {9092}, {2049}, {443, 80}}

func newRegionNet(r *rand.Rand, a *account, region string, ri int, pubIP func() string) *regionNet {
	n := &regionNet{region: region}
	azPrefix := azIDPrefix(region)
	for fi := range n.flowLogs {
		fl := &n.flowLogs[fi]
		fl.format = FlowFormat(fi)
		if fi == 0 {
			fl.id = string(appendRandChars([]byte("fl-"), r, hexChars, 8))
		} else {
			fl.id = string(appendRandChars([]byte("fl-0"), r, hexChars, 16))
		}
		fl.vpc = string(appendRandChars([]byte("vpc-0"), r, hexChars, 16))
		second := 10*ri + fi // 10.<second>.0.0/16
		subnets := [3]string{}
		for k := range subnets {
			subnets[k] = string(appendRandChars([]byte("subnet-0"), r, hexChars, 16))
		}
		v6 := "2600:1f18:" + hex4(r) + ":"
		for k := range 24 + r.IntN(24) {
			sub := k % 3
			e := eni{
				id:       string(appendRandChars([]byte("eni-0"), r, hexChars, 16)),
				ip:       "10." + strconv.Itoa(second) + "." + strconv.Itoa(sub*16+r.IntN(16)) + "." + strconv.Itoa(4+r.IntN(250)),
				ip6:      v6 + "a0" + strconv.Itoa(sub) + ":" + hex4(r) + ":" + hex4(r) + ":" + hex4(r) + ":" + hex4(r),
				instance: a.insts[(ri*7+fi*13+k)%len(a.insts)],
				subnet:   subnets[sub],
				vpc:      fl.vpc,
				azID:     azPrefix + strconv.Itoa(1+sub),
				owner:    a.id,
			}
			switch {
			case k < 2:
				e.nat, e.instance = true, "-"
			case k < 5:
				e.web = true
				e.servicePorts = []int{443, 80}
			default:
				e.servicePorts = servicePorts[r.IntN(len(servicePorts))]
			}
			fl.enis = append(fl.enis, e)
		}
	}
	n.svcIPs = 40
	for range 300 {
		n.egress = append(n.egress, pubIP())
	}
	for range 30 {
		n.egress6 = append(n.egress6, "2a05:d018:"+hex4(r)+":"+hex4(r)+"::"+hex4(r))
	}
	return n
}

// hex4 returns a 4-digit IPv6 group without a leading zero, as canonical
// addresses print it.
func hex4(r *rand.Rand) string { return strconv.FormatUint(0x1000+r.Uint64N(0xf000), 16) }

// azIDPrefix returns the AZ ID prefix of a region: use1-az for us-east-1.
func azIDPrefix(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return "az"
	}
	dir := parts[1]
	short := map[string]string{"east": "e", "west": "w", "central": "c", "north": "n", "south": "s", "northeast": "ne", "southeast": "se", "northwest": "nw", "southwest": "sw"}[dir]
	if short == "" {
		short = dir[:1]
	}
	return parts[0] + short + parts[2] + "-az"
}

// flowRow is one flow record before formatting.
type flowRow struct {
	e                *eni
	src, dst         string // "" for NODATA/SKIPDATA
	pktSrc, pktDst   string
	srcPort, dstPort int
	proto            int
	packets, bytes   int64
	start, end       int64
	reject           bool
	status           string // "OK", "NODATA", "SKIPDATA"
	tcpFlags         int    // -1 writes "-"
	v6               bool
	egress           bool
	path             int // traffic-path; 0 writes "-"
	srcSvc, dstSvc   string
}

// flowWriter builds flow log files. It is owned by one worker.
type flowWriter struct {
	w      *world
	r      *rand.Rand
	pcg    *rand.PCG // r's source, reseeded per object
	a      *account
	net    *regionNet
	fl     *flowLog
	format FlowFormat
	fields []flowField
	win    int64 // start of the 5-minute window
	b      []byte
	lines  int
	row    flowRow
}

// object builds j's file (header line first) and returns it with its data
// line count. The slice is valid until the next call.
func (f *flowWriter) object(j *job, attacks []Attack) ([]byte, int) {
	if f.r == nil {
		f.pcg = rand.NewPCG(0, 0)
		f.r = rand.New(f.pcg)
	}
	f.pcg.Seed(j.seed, 0xf1)
	f.a = f.w.accounts[j.acct]
	f.net = f.w.nets[j.acct][j.region]
	f.fl = &f.net.flowLogs[j.flow]
	f.format = f.fl.format
	f.fields = f.format.fields()
	f.win = j.t
	f.lines = 0
	f.b = append(f.b[:0], f.format.Header()...)
	f.b = append(f.b, '\n')
	est := j.target/110 + 1
	if j.count > 0 {
		est = j.count
	}
	pi := 0
	for {
		if pi < len(j.plants) && f.lines >= est*(pi+1)/(len(j.plants)+1) {
			f.plant(&j.plants[pi], &attacks[j.plants[pi].attack])
			pi++
			continue
		}
		if pi == len(j.plants) && (j.count > 0 && f.lines >= j.count || j.count == 0 && len(f.b) >= j.target) {
			break
		}
		f.background()
	}
	return f.b, f.lines
}

// GenerateFlowLines returns a flow log file body of n background lines (no
// planted attacks) in format, header line first, as [Generate] writes them:
// for in-memory parser benchmarks. The same arguments give the same bytes.
func GenerateFlowLines(seed int64, n int, format FlowFormat) []byte {
	cfg := withDefaults(Config{Seed: seed})
	w := newWorld(cfg)
	j := job{kind: KindVPCFlow, t: cfg.Start.Unix() + 12*3600, seed: uint64(seed) ^ 0xf10e, count: n, flow: int(format)}
	f := flowWriter{w: w}
	b, _ := f.object(&j, nil)
	return b
}

// ephemeral returns a client port that is never a mining-pool port.
func (f *flowWriter) ephemeral() int {
	for {
		var p int
		if f.r.IntN(5) == 0 {
			p = 49152 + f.r.IntN(16384)
		} else {
			p = 32768 + f.r.IntN(28232)
		}
		if p != 45700 {
			return p
		}
	}
}

// times sets start and end: end inside the window, start up to a minute before.
func (f *flowWriter) times(row *flowRow) {
	row.end = f.win + f.r.Int64N(flowWindow)
	row.start = row.end - f.r.Int64N(60)
}

func (f *flowWriter) volume(row *flowRow, maxPackets int) {
	// Log-uniform packet counts: many tiny flows, a few big ones.
	p := int64(1) << f.r.IntN(bitsLen(maxPackets))
	row.packets = p + f.r.Int64N(p)
	row.bytes = row.packets * int64(60+f.r.IntN(1400))
}

func bitsLen(n int) int {
	k := 0
	for n > 0 {
		k++
		n >>= 1
	}
	return k
}

var probePorts = []int{22, 23, 3389, 445, 1433, 5900, 8080, 8443, 25, 139, 6379, 9200, 2375, 5432, 3306, 80, 21, 111, 135, 161, 8888, 27017, 11211, 9000}

func (f *flowWriter) background() {
	r := f.r
	row := &f.row
	*row = flowRow{status: "OK", tcpFlags: 0, proto: 6, srcSvc: "-", dstSvc: "-"}
	enis := f.fl.enis
	row.e = &enis[r.IntN(len(enis))]
	f.times(row)
	switch x := r.IntN(1000); {
	case x < 10: // NODATA: an idle interface
		row.status = "NODATA"
	case x < 11:
		row.status = "SKIPDATA"
	case x < 320: // east-west between instances
		srv := &enis[2+r.IntN(len(enis)-2)]
		port := srv.servicePorts[r.IntN(len(srv.servicePorts))]
		cli := f.ephemeral()
		f.volume(row, 4096)
		if r.IntN(2) == 0 { // request, logged at the client
			row.src, row.dst, row.srcPort, row.dstPort = row.e.ip, srv.ip, cli, port
			row.egress, row.path, row.tcpFlags = true, 1, []int{3, 2, 0, 1}[r.IntN(4)]
		} else { // response, logged at the client
			row.src, row.dst, row.srcPort, row.dstPort = srv.ip, row.e.ip, port, cli
			row.tcpFlags = []int{19, 18, 0, 1}[r.IntN(4)]
		}
	case x < 340: // east-west blocked by a security group
		srv := &enis[2+r.IntN(len(enis)-2)]
		row.src, row.dst, row.srcPort, row.dstPort = row.e.ip, srv.ip, f.ephemeral(), []int{22, 5432, 6379, 3306, 9200, 27017}[r.IntN(6)]
		row.packets, row.bytes, row.reject, row.tcpFlags = 1+int64(r.IntN(3)), 60*(1+int64(r.IntN(3))), true, 2
	case x < 600: // egress to the internet and AWS services
		i := r.IntN(len(f.net.egress))
		dst := f.net.egress[i]
		port := 443
		switch y := r.IntN(20); {
		case y == 0:
			port, row.proto = 123, 17
		case y == 1:
			port, row.proto = 53, 17
		case y < 4:
			port = 80
		}
		f.volume(row, 16384)
		if i < f.net.svcIPs {
			row.dstSvc = []string{"AMAZON", "S3", "EC2", "DYNAMODB"}[i%4]
		}
		if r.IntN(2) == 0 {
			row.src, row.dst, row.srcPort, row.dstPort = row.e.ip, dst, f.ephemeral(), port
			row.egress, row.path, row.tcpFlags = true, 8, 3
			row.pktDst = dst
		} else {
			row.src, row.dst, row.srcPort, row.dstPort = dst, row.e.ip, port, f.ephemeral()
			row.srcSvc, row.dstSvc, row.tcpFlags = row.dstSvc, "-", 19
		}
		if row.proto != 6 {
			row.tcpFlags = 0
			row.packets, row.bytes = 1+int64(r.IntN(4)), 76*(1+int64(r.IntN(4)))
		}
		if row.e.nat { // a NAT gateway forwards an instance's flow
			inst := &enis[2+r.IntN(len(enis)-2)]
			if row.egress {
				row.pktSrc = inst.ip
			} else {
				row.pktDst = inst.ip
			}
		}
	case x < 790: // clients of the web tier
		web := &enis[2+r.IntN(3)]
		row.e = web
		cli := f.pubIP()
		port := 443
		if r.IntN(8) == 0 {
			port = 80
		}
		f.volume(row, 2048)
		if r.IntN(2) == 0 {
			row.src, row.dst, row.srcPort, row.dstPort, row.tcpFlags = cli, web.ip, f.ephemeral(), port, 3
		} else {
			row.src, row.dst, row.srcPort, row.dstPort, row.tcpFlags = web.ip, cli, port, f.ephemeral(), 19
			row.egress, row.path = true, 8
		}
	case x < 940: // internet background noise, rejected
		row.src, row.dst = f.pubIP(), row.e.ip
		row.srcPort, row.dstPort = f.ephemeral(), probePorts[r.IntN(len(probePorts))]
		row.packets, row.bytes, row.reject, row.tcpFlags = 1, 40+int64(r.IntN(24)), true, 2
		switch r.IntN(10) {
		case 0:
			row.proto, row.srcPort, row.dstPort, row.tcpFlags, row.bytes = 1, 0, 0, 0, 84
		case 1:
			row.proto, row.tcpFlags, row.dstPort = 17, 0, []int{53, 123, 161, 1900, 5060}[r.IntN(5)]
		}
		if row.srcPort == 45700 {
			row.srcPort = 45701
		}
	default: // IPv6 egress, and the odd IPv6 probe
		row.v6 = true
		dst := f.net.egress6[r.IntN(len(f.net.egress6))]
		f.volume(row, 4096)
		if r.IntN(10) == 0 {
			row.src, row.dst, row.srcPort, row.dstPort = dst, row.e.ip6, f.ephemeral(), probePorts[r.IntN(len(probePorts))]
			row.packets, row.bytes, row.reject, row.tcpFlags = 1, 80, true, 2
			// A random source inside a /64: never repeats.
			row.src = dst[:strings.LastIndexByte(dst, ':')+1] + hex4(r)
		} else if r.IntN(2) == 0 {
			row.src, row.dst, row.srcPort, row.dstPort, row.tcpFlags = row.e.ip6, dst, f.ephemeral(), 443, 3
			row.egress, row.path = true, 8
		} else {
			row.src, row.dst, row.srcPort, row.dstPort, row.tcpFlags = dst, row.e.ip6, 443, f.ephemeral(), 19
		}
	}
	f.appendRow(row)
}

// pubIP returns an internet address: a web client or a scanner. They come
// from a fixed pool, as the internet's background noise does, so rows cost
// no allocation.
func (f *flowWriter) pubIP() string {
	return f.w.clients[f.r.IntN(len(f.w.clients))]
}

// appendPubIP appends a random public IPv4 address that is not in a
// private, reserved or attacker network.
func appendPubIP(b []byte, r *rand.Rand) []byte {
	for {
		u := r.Uint32()
		a, bb := byte(u>>24), byte(u>>16)
		switch {
		case a == 0 || a == 10 || a == 127 || a >= 224,
			a == 100 && bb >= 64 && bb < 128,
			a == 169 && bb == 254,
			a == 172 && bb >= 16 && bb < 32,
			a == 192 && bb == 168,
			a == 198 && (bb == 18 || bb == 19):
			continue
		}
		bad := false
		for _, n := range attackerNets {
			if a == n[0] && bb == n[1] {
				bad = true
			}
		}
		if bad || byte(u) == 0 || byte(u) == 255 {
			continue
		}
		b = strconv.AppendUint(b, uint64(a), 10)
		b = append(b, '.')
		b = strconv.AppendUint(b, uint64(bb), 10)
		b = append(b, '.')
		b = strconv.AppendUint(b, uint64(byte(u>>8)), 10)
		b = append(b, '.')
		return strconv.AppendUint(b, uint64(byte(u)), 10)
	}
}

// appendRow formats row in the writer's field order.
func (f *flowWriter) appendRow(row *flowRow) {
	b := f.b
	e := row.e
	data := row.status == "OK"
	for i, fl := range f.fields {
		if i > 0 {
			b = append(b, ' ')
		}
		switch fl {
		case fVersion:
			if f.format == FlowV5 {
				b = append(b, '5')
			} else {
				b = append(b, '2')
			}
		case fAccountID:
			b = append(b, e.owner...)
		case fInterfaceID:
			b = append(b, e.id...)
		case fVpcID:
			b = append(b, e.vpc...)
		case fSubnetID:
			b = append(b, e.subnet...)
		case fInstanceID:
			b = append(b, e.instance...)
		case fRegion:
			b = append(b, f.net.region...)
		case fAzID:
			b = append(b, e.azID...)
		case fSublocationType, fSublocationID:
			b = append(b, '-')
		case fStart:
			b = strconv.AppendInt(b, row.start, 10)
		case fEnd:
			b = strconv.AppendInt(b, row.end, 10)
		case fLogStatus:
			b = append(b, row.status...)
		default:
			if !data {
				b = append(b, '-')
				continue
			}
			switch fl {
			case fSrcaddr:
				b = append(b, row.src...)
			case fDstaddr:
				b = append(b, row.dst...)
			case fPktSrcaddr:
				if row.pktSrc != "" {
					b = append(b, row.pktSrc...)
				} else {
					b = append(b, row.src...)
				}
			case fPktDstaddr:
				if row.pktDst != "" {
					b = append(b, row.pktDst...)
				} else {
					b = append(b, row.dst...)
				}
			case fSrcport:
				b = strconv.AppendInt(b, int64(row.srcPort), 10)
			case fDstport:
				b = strconv.AppendInt(b, int64(row.dstPort), 10)
			case fProtocol:
				b = strconv.AppendInt(b, int64(row.proto), 10)
			case fPackets:
				b = strconv.AppendInt(b, row.packets, 10)
			case fBytes:
				b = strconv.AppendInt(b, row.bytes, 10)
			case fAction:
				if row.reject {
					b = append(b, "REJECT"...)
				} else {
					b = append(b, "ACCEPT"...)
				}
			case fTCPFlags:
				if row.tcpFlags < 0 {
					b = append(b, '-')
				} else {
					b = strconv.AppendInt(b, int64(row.tcpFlags), 10)
				}
			case fType:
				if row.v6 {
					b = append(b, "IPv6"...)
				} else {
					b = append(b, "IPv4"...)
				}
			case fPktSrcAWSService:
				b = append(b, row.srcSvc...)
			case fPktDstAWSService:
				b = append(b, row.dstSvc...)
			case fFlowDirection:
				if row.egress {
					b = append(b, "egress"...)
				} else {
					b = append(b, "ingress"...)
				}
			case fTrafficPath:
				if row.egress && row.path > 0 {
					b = strconv.AppendInt(b, int64(row.path), 10)
				} else {
					b = append(b, '-')
				}
			}
		}
	}
	f.b = append(b, '\n')
	f.lines++
}

// plantFlow chooses flow files for the flow attacks and records them.
func (p *plan) plantFlow(r *rand.Rand, w *world, jobs []job) {
	add := func(name, rule string, records int, setup func(j *job, pl *plant, at *Attack)) {
		j := &jobs[r.IntN(len(jobs))]
		a := w.accounts[j.acct]
		pl := plant{attack: len(p.attacks), t: j.t}
		at := Attack{Name: name, Table: tableFlow, Rule: rule, Account: a.id, Region: w.regionNames[j.region],
			Key: j.key, Records: records}
		setup(j, &pl, &at)
		at.Time = timeUTC(pl.t)
		p.attacks = append(p.attacks, at)
		j.plants = append(j.plants, pl)
	}
	enis := func(j *job) []eni { return w.nets[j.acct][j.region].flowLogs[j.flow].enis }
	add(AttackFlowRejectFlood, ruleFlowRejectFlood, 150, func(j *job, pl *plant, at *Attack) {
		pl.t = j.t + 60 // the minute [W+1m, W+2m)
		pl.k = 2 + r.IntN(3)
		at.Actor = attackerIP(r, 0)
	})
	add(AttackFlowPortScan, ruleFlowPortScan, scanPorts-1, func(j *job, pl *plant, at *Attack) {
		pl.k = 2 + r.IntN(3)
		at.Actor = attackerIP(r, 1)
	})
	add(AttackFlowCryptoMining, ruleFlowCryptoMining, 24, func(j *job, pl *plant, at *Attack) {
		pl.k = 5 + r.IntN(len(enis(j))-5)
		pl.s = attackerIP(r, 4)
		at.Actor = enis(j)[pl.k].ip
	})
	add(AttackFlowLargeEgress, ruleFlowLargeEgress, egressRows, func(j *job, pl *plant, at *Attack) {
		pl.k = 5 + r.IntN(len(enis(j))-5)
		pl.s = attackerIP(r, 5)
		at.Actor = enis(j)[pl.k].ip
		for i := range egressRows {
			at.Bytes += egressBytes(i)
		}
	})
}

const (
	scanPorts  = 400 // the scan probes ports 1-400; port 80 answers
	egressRows = 40
)

func egressBytes(i int) int64 { return 240_000_000 + int64(i)*1_000_003 }

// plant appends the rows of one planted attack.
func (f *flowWriter) plant(pl *plant, at *Attack) {
	r := f.r
	row := &f.row
	enis := f.fl.enis
	base := flowRow{status: "OK", proto: 6, srcSvc: "-", dstSvc: "-"}
	switch at.Name {
	case AttackFlowRejectFlood:
		for range at.Records {
			*row = base
			row.e = &enis[pl.k]
			row.src, row.dst, row.srcPort, row.dstPort = at.Actor, row.e.ip, f.ephemeral(), 22
			row.start = pl.t + r.Int64N(60)
			row.end = row.start + r.Int64N(5)
			row.packets, row.bytes, row.reject, row.tcpFlags = 1+int64(r.IntN(2)), 60, true, 2
			f.appendRow(row)
		}
	case AttackFlowPortScan:
		ports := r.Perm(scanPorts)
		for i, p := range ports {
			*row = base
			row.e = &enis[pl.k]
			row.src, row.dst, row.srcPort, row.dstPort = at.Actor, row.e.ip, f.ephemeral(), p+1
			row.start = f.win + int64(i*290/scanPorts)
			row.end = row.start + r.Int64N(2)
			row.packets, row.bytes, row.tcpFlags = 1, 44, 2
			row.reject = p+1 != 80
			if !row.reject {
				row.packets, row.bytes, row.tcpFlags = 3, 164, 3
			}
			f.appendRow(row)
		}
	case AttackFlowCryptoMining:
		port := miningPorts[r.IntN(len(miningPorts))]
		for i := range at.Records {
			cli := f.ephemeral()
			for dir := range 2 {
				*row = base
				row.e = &enis[pl.k]
				row.end = f.win + int64(i*flowWindow/at.Records)
				row.start = row.end - 50
				row.packets = 40 + int64(r.IntN(200))
				row.bytes = row.packets * int64(90+r.IntN(200))
				if dir == 0 {
					row.src, row.dst, row.srcPort, row.dstPort = row.e.ip, pl.s, cli, port
					row.egress, row.path, row.tcpFlags = true, 8, 0
				} else {
					row.src, row.dst, row.srcPort, row.dstPort = pl.s, row.e.ip, port, cli
				}
				f.appendRow(row)
			}
		}
	case AttackFlowLargeEgress:
		for i := range at.Records {
			*row = base
			row.e = &enis[pl.k]
			row.src, row.dst, row.srcPort, row.dstPort = row.e.ip, pl.s, f.ephemeral(), 443
			// Starts stay inside the window, so inside one hour.
			row.end = f.win + 60 + int64(i*(flowWindow-60)/at.Records)
			row.start = row.end - 55 - r.Int64N(5)
			row.bytes = egressBytes(i)
			row.packets = row.bytes / 1448
			row.egress, row.path, row.tcpFlags = true, 8, 0
			f.appendRow(row)
		}
	default:
		panic("BUG: unknown flow attack " + at.Name)
	}
}
