import { Migration } from '@mikro-orm/migrations';

export class Migration20261128130926_production_domain extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`entities\` (\`id\` text not null, \`project_id\` text not null, \`kind\` text not null, \`name\` text not null, \`asset_type\` text null, \`sequence\` text not null default '', \`frame_in\` integer null, \`frame_out\` integer null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`entities_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`entities_project_id_index\` on \`entities\` (\`project_id\`);`);
    this.addSql(`create unique index \`entities_project_id_kind_sequence_name_unique\` on \`entities\` (\`project_id\`, \`kind\`, \`sequence\`, \`name\`);`);

    this.addSql(`create table \`task_statuses\` (\`id\` text not null, \`name\` text not null, \`short_name\` text not null, \`is_done\` integer not null default false, \`color\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`task_statuses_name_unique\` on \`task_statuses\` (\`name\`);`);
    this.addSql(`create unique index \`task_statuses_short_name_unique\` on \`task_statuses\` (\`short_name\`);`);

    this.addSql(`create table \`task_types\` (\`id\` text not null, \`name\` text not null, \`department_id\` text not null, \`for_entity\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`task_types_department_id_foreign\` foreign key(\`department_id\`) references \`departments\`(\`id\`) on delete restrict on update cascade, primary key (\`id\`));`);
    this.addSql(`create unique index \`task_types_name_unique\` on \`task_types\` (\`name\`);`);
    this.addSql(`create index \`task_types_department_id_index\` on \`task_types\` (\`department_id\`);`);

    this.addSql(`create table \`tasks\` (\`id\` text not null, \`project_id\` text not null, \`entity_id\` text not null, \`task_type_id\` text not null, \`status_id\` text not null, \`due_date\` date null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`tasks_project_id_foreign\` foreign key(\`project_id\`) references \`projects\`(\`id\`) on delete cascade on update cascade, constraint \`tasks_entity_id_foreign\` foreign key(\`entity_id\`) references \`entities\`(\`id\`) on delete cascade on update cascade, constraint \`tasks_task_type_id_foreign\` foreign key(\`task_type_id\`) references \`task_types\`(\`id\`) on delete restrict on update cascade, constraint \`tasks_status_id_foreign\` foreign key(\`status_id\`) references \`task_statuses\`(\`id\`) on delete restrict on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`tasks_project_id_index\` on \`tasks\` (\`project_id\`);`);
    this.addSql(`create index \`tasks_entity_id_index\` on \`tasks\` (\`entity_id\`);`);
    this.addSql(`create index \`tasks_task_type_id_index\` on \`tasks\` (\`task_type_id\`);`);
    this.addSql(`create index \`tasks_status_id_index\` on \`tasks\` (\`status_id\`);`);
    this.addSql(`create index \`tasks_project_id_id_index\` on \`tasks\` (\`project_id\`, \`id\`);`);
    this.addSql(`create unique index \`tasks_entity_id_task_type_id_unique\` on \`tasks\` (\`entity_id\`, \`task_type_id\`);`);

    this.addSql(`create table \`task_assignees\` (\`task_id\` text not null, \`person_id\` text not null, constraint \`task_assignees_task_id_foreign\` foreign key(\`task_id\`) references \`tasks\`(\`id\`) on delete cascade on update cascade, constraint \`task_assignees_person_id_foreign\` foreign key(\`person_id\`) references \`people\`(\`id\`) on delete cascade on update cascade, primary key (\`task_id\`, \`person_id\`));`);
    this.addSql(`create index \`task_assignees_task_id_index\` on \`task_assignees\` (\`task_id\`);`);
    this.addSql(`create index \`task_assignees_person_id_index\` on \`task_assignees\` (\`person_id\`);`);

    this.addSql(`create table \`comments\` (\`id\` text not null, \`task_id\` text not null, \`author_id\` text null, \`author_name\` text not null, \`text\` text not null, \`status_id\` text null, \`created_at\` datetime not null, constraint \`comments_task_id_foreign\` foreign key(\`task_id\`) references \`tasks\`(\`id\`) on delete cascade on update cascade, constraint \`comments_author_id_foreign\` foreign key(\`author_id\`) references \`people\`(\`id\`) on delete set null on update cascade, constraint \`comments_status_id_foreign\` foreign key(\`status_id\`) references \`task_statuses\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`comments_task_id_index\` on \`comments\` (\`task_id\`);`);
    this.addSql(`create index \`comments_author_id_index\` on \`comments\` (\`author_id\`);`);
    this.addSql(`create index \`comments_status_id_index\` on \`comments\` (\`status_id\`);`);
    this.addSql(`create index \`comments_task_id_id_index\` on \`comments\` (\`task_id\`, \`id\`);`);

    this.addSql(`alter table \`events\` add column \`task_id\` text null;`);
    this.addSql(`create index \`events_task_id_index\` on \`events\` (\`task_id\`);`);
  }

}
