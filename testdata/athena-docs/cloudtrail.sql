-- Example queries from AWS's Athena User Guide (cloudtrail-logs.md),
-- awsdocs/amazon-athena-user-guide at 765e909 (sample code under MIT-0, LICENSE-SAMPLECODE).
-- Copied unchanged; queries are separated by lines of ';'.
SELECT 
 eventsource, 
 eventname,
 useridentity.sessioncontext.attributes.creationdate,
 useridentity.sessioncontext.sessionissuer.arn
FROM cloudtrail_logs
WHERE useridentity.sessioncontext.sessionissuer.arn IS NOT NULL
ORDER BY eventsource, eventname
LIMIT 10
;
SELECT 
 awsregion,
 replace(unnested.resources_entry.ARN,'arn:aws:s3:::') as s3_resource,
 eventname,
 eventtime,
 useragent
FROM cloudtrail_logs t
CROSS JOIN UNNEST(t.resources) unnested (resources_entry)
WHERE unnested.resources_entry.ARN LIKE '%example/datafile.txt'
ORDER BY eventtime
;
SELECT 
 awsregion,
 replace(unnested.resources_entry.ARN,'arn:aws:s3:::') as deleted_bucket,
 eventtime AS time_deleted,
 useridentity.username, 
 unnested.resources_entry.accountid as bucket_acct_id 
FROM cloudtrail_logs t
CROSS JOIN UNNEST(t.resources) unnested (resources_entry)
WHERE eventname = 'DeleteBucket'
ORDER BY eventtime
;
SELECT *
FROM cloudtrail_logs
WHERE 
 eventsource = 's3.amazonaws.com' AND 
 eventname in ('GetObject') AND 
 useridentity.accountid = 'anonymous' AND 
 useridentity.arn IS NULL AND
 requestparameters LIKE '%[your bucket name ]%'
;
SELECT
useridentity.arn,
eventname,
sourceipaddress,
eventtime
  FROM cloudtrail_logs
  LIMIT 100
