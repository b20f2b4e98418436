// flows.mjs is DuckDB's best configuration for the generated corpus's flow
// logs, shared by peer.mjs and grouping.mjs: every column named and typed,
// auto_detect off, '-' as NULL, one read_csv per format. The corpus has
// two formats (bench/gen_vpcflow.go), told apart by the flow log ID in the
// keys: the v2 default format's IDs are fl- and 8 hex digits, the v5
// custom format's fl-0 and 16.
export const flowV2Columns = `version: 'INTEGER', account_id: 'VARCHAR', interface_id: 'VARCHAR', srcaddr: 'VARCHAR',
  dstaddr: 'VARCHAR', srcport: 'INTEGER', dstport: 'INTEGER', protocol: 'INTEGER', packets: 'BIGINT',
  bytes: 'BIGINT', start: 'BIGINT', "end": 'BIGINT', action: 'VARCHAR', log_status: 'VARCHAR'`;
export const flowV5Columns = `version: 'INTEGER', vpc_id: 'VARCHAR', subnet_id: 'VARCHAR', instance_id: 'VARCHAR',
  interface_id: 'VARCHAR', account_id: 'VARCHAR', type: 'VARCHAR', srcaddr: 'VARCHAR', dstaddr: 'VARCHAR',
  srcport: 'INTEGER', dstport: 'INTEGER', pkt_srcaddr: 'VARCHAR', pkt_dstaddr: 'VARCHAR', protocol: 'INTEGER',
  bytes: 'BIGINT', packets: 'BIGINT', start: 'BIGINT', "end": 'BIGINT', action: 'VARCHAR', tcp_flags: 'INTEGER',
  log_status: 'VARCHAR', region: 'VARCHAR', az_id: 'VARCHAR', sublocation_type: 'VARCHAR',
  sublocation_id: 'VARCHAR', pkt_src_aws_service: 'VARCHAR', pkt_dst_aws_service: 'VARCHAR',
  flow_direction: 'VARCHAR', traffic_path: 'INTEGER'`;

// flowGlobs returns the globs of the v2 and v5 objects under dir.
export const flowGlobs = (dir) => {
  const base = `${dir}/AWSLogs/*/vpcflowlogs/*/*/*/*/`;
  return { v2: base + '*_fl-????????_*.log.gz', v5: base + '*_fl-0????????????????_*.log.gz' };
};

// flowRead is DuckDB's read_csv of the objects of glob, in the format of columns.
export const flowRead = (glob, columns) => `read_csv('${glob}', delim = ' ', header = true, auto_detect = false,
    nullstr = '-', columns = {${columns}})`;
