-- id: vpc_flow_logs_deleted
-- title: VPC flow logs deleted
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.008
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: Flow logs of a VPC, subnet or interface were deleted (Stratus vpc-remove-flow-logs),
--   so network traffic is no longer recorded. Only successful calls count. Benign look-alike:
--   Terraform or CloudFormation replacing a flow log (user agent, invokedBy) is skipped.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Recreate the flow log (create-flow-logs) with the organisation standard format and
--   destination; review the traffic of the resource from other sources for the gap.
-- references: https://attack.mitre.org/techniques/T1562/008/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.vpc-remove-flow-logs/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.DeleteFlowLogsRequest.FlowLogId.content'), json_extract_scalar(requestparameters, '$.flowLogIds[0]'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ec2.amazonaws.com'
  AND eventname = 'DeleteFlowLogs'
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
